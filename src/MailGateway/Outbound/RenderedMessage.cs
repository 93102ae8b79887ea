using System.Runtime.InteropServices;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// A mail already rendered to its wire bytes, in the form MailKit's <see cref="MailKit.Net.Smtp.SmtpClient"/> sends: a
/// <see cref="MimeMessage"/> that, written with <see cref="Format"/>, writes the bytes unchanged. Its own headers are
/// only the body part's Content-Type and Content-Transfer-Encoding, hidden by <see cref="Format"/> (the bytes carry the
/// mail's headers); the part declares 8bit when the bytes have 8-bit octets, so that MailKit asks for BODY=8BITMIME. It
/// is parsed from a header block without a blank line: MimeKit then writes no blank line of its own before the content.
/// Not parsed, prepared or measured again per mail: one per connection, its content replaced for each mail.
/// </summary>
internal sealed class RenderedMessage : IDisposable
{
    private readonly MimeMessage _sevenBit = Template("7bit");
    private readonly MimeMessage _eightBit = Template("8bit");

    /// <summary>The wire format, hiding the part's own Content-* headers.</summary>
    public static FormatOptions Format { get; } = CreateFormat();

    /// <summary>The message for <paramref name="content"/> (the whole mail, CRLF line ends), valid until the next call.</summary>
    public MimeMessage For(ReadOnlyMemory<byte> content, bool eightBit)
    {
        var message = eightBit ? _eightBit : _sevenBit;
        var bytes = MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());
        ((MimePart)message.Body!).Content = new MimeContent(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit);
        return message;
    }

    /// <summary>The length MailKit announces (SIZE, BDAT): the bytes as they are.</summary>
    public static long LengthOf(MimeMessage message) => message.Body is MimePart { Content: { } content } ? content.Stream?.Length ?? 0 : 0;

    public static bool Is(MimeMessage message) => message.Body is MimePart { ContentType.MediaSubtype: "x-clp-rendered" };

    public void Dispose()
    {
        _sevenBit.Dispose();
        _eightBit.Dispose();
    }

    /// <summary>MimeKit's <see cref="ExperimentalMimeParser"/> records that the header block had no blank line after it
    /// (its default parser assumes one).</summary>
    private static MimeMessage Template(string encoding) => new ExperimentalMimeParser(new MemoryStream(
        System.Text.Encoding.ASCII.GetBytes($"Content-Type: application/x-clp-rendered\r\nContent-Transfer-Encoding: {encoding}\r\n"), writable: false)).ParseMessage();

    private static FormatOptions CreateFormat()
    {
        var format = SmtpSession.WireFormat.Clone();
        format.HiddenHeaders.Add(HeaderId.ContentType);
        format.HiddenHeaders.Add(HeaderId.ContentTransferEncoding);
        format.HiddenHeaders.Add(HeaderId.MimeVersion);
        return format;
    }
}
