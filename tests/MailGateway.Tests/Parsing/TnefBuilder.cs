using System.Buffers.Binary;
using System.Text;
using MimeKit.Tnef;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Writes TNEF (<c>winmail.dat</c>) streams as Outlook lays them out: the signature and key, then attributes
/// (level, id, length, data, checksum). MimeKit reads TNEF but does not write it.</summary>
internal sealed class TnefBuilder
{
    private const uint Signature = 0x223E9F78;
    private readonly List<byte> _stream = [];

    public TnefBuilder()
    {
        Write32((uint)Signature);
        Write16(0x0001);
        Attribute(TnefAttributeLevel.Message, TnefAttributeTag.TnefVersion, BitConverter.GetBytes(0x00010000));
        Attribute(TnefAttributeLevel.Message, TnefAttributeTag.MessageClass, Encoding.ASCII.GetBytes("IPM.Microsoft Mail.Note\0"));
    }

    public TnefBuilder Body(string text)
    {
        Attribute(TnefAttributeLevel.Message, TnefAttributeTag.Body, Encoding.ASCII.GetBytes(text + "\0"));
        return this;
    }

    public TnefBuilder File(string name, byte[] content)
    {
        Attribute(TnefAttributeLevel.Attachment, TnefAttributeTag.AttachRenderData, new byte[14]);
        Attribute(TnefAttributeLevel.Attachment, TnefAttributeTag.AttachTitle, Encoding.ASCII.GetBytes(name + "\0"));
        Attribute(TnefAttributeLevel.Attachment, TnefAttributeTag.AttachData, content);
        return this;
    }

    public byte[] ToArray() => [.. _stream];

    private void Attribute(TnefAttributeLevel level, TnefAttributeTag tag, byte[] data)
    {
        _stream.Add((byte)level);
        Write32((uint)tag);
        Write32((uint)data.Length);
        _stream.AddRange(data);
        Write16((ushort)data.Sum(b => b));
    }

    private void Write32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _stream.AddRange(bytes.ToArray());
    }

    private void Write16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        _stream.AddRange(bytes.ToArray());
    }
}
