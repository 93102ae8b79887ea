using ClpMailGateway.Domain;
using MimeKit;
using System.Buffers;
using System.Text;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Sends a queued mail as it was rendered instead of building its MIME tree again. The sender's profile (2,000 ~3.4 KB
/// notifications over 4 connections) had a third of its CPU in MimeKit: <c>MimeMessage.Load</c> of every stored mail,
/// then the whole tree written part by part through the newline filter; later, wrapping the stored bytes in a
/// <see cref="MimeMessage"/> (the header fields parsed, a message built and written) was still ~40% of the sending
/// threads. Now the stored bytes are checked in one pass and copied out with CRLF line ends, plus the top level's 8bit
/// declaration where needed.
/// <para>
/// Only a mail that needs nothing from MimeKit's <c>Prepare</c> goes this way, so what the server receives is what was
/// rendered: 7-bit throughout, or 8-bit text when the server offers 8BITMIME and the composer declared each 8-bit part
/// (<see cref="DeclareEightBit"/>; then the top level says <c>Content-Transfer-Encoding: 8bit</c> too, and the session
/// sends <c>BODY=8BITMIME</c>); no line over 998 bytes; no NUL and no stray CR; header fields 7-bit, each with a field
/// name and a colon; a top-level Content-Type; no attachment by reference (<see cref="AttachedFiles"/>) to fill in.
/// Anything else is refused and goes the long way: parsed, filled and prepared by MimeKit for what the server offers.
/// </para>
/// </summary>
public static class StoredMail
{
    /// <summary>RFC 5322 2.1.1: at most 998 characters on a line, without the CRLF.</summary>
    public const int MaxLineLength = 998;

    private static readonly byte[] ReferenceHeader = System.Text.Encoding.ASCII.GetBytes(AttachedFiles.Header + ":");

    /// <summary>Declares <c>Content-Transfer-Encoding: 8bit</c> on each part of <paramref name="message"/> whose content is
    /// 8-bit with lines of at most 998 bytes, as MimeKit's <c>Prepare</c> does for a server with 8BITMIME, so that the
    /// mail, once stored, can go as it is (<see cref="OutboundPurposes.DeclaresEightBit"/>). A part with longer lines is
    /// left alone: such a mail is prepared when it is sent.</summary>
    public static void DeclareEightBit(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            if (part.ContentTransferEncoding == ContentEncoding.Default && part.Content is not null
                && part.GetBestEncoding(EncodingConstraint.EightBit, MaxLineLength) == ContentEncoding.EightBit)
            {
                part.ContentTransferEncoding = ContentEncoding.EightBit;
            }
        }
    }

    /// <summary>Writes the mail in <paramref name="raw"/> to <paramref name="output"/> as SMTP sends it (CRLF line ends, the
    /// top level's 8bit declaration added when its content is 8-bit and it declares no encoding), or returns false, having
    /// written nothing, when it must be parsed and prepared.</summary>
    /// <param name="eightBitTransport">8-bit content may go as it is: the server offers 8BITMIME and the mail's composer
    /// declared each 8-bit part (<see cref="DeclareEightBit"/>).</param>
    public static bool TryRender(byte[] raw, bool eightBitTransport, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(output);
        if (!TryScan(raw, out var bodyStart))
        {
            return false;
        }

        var span = raw.AsSpan();
        var headerBlock = span[..bodyStart];
        var body = span[bodyStart..];
        var eightBit = body.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        // A final newline, as MimeKit writes a mail for SMTP (FormatOptions.EnsureNewLine); a rendered mail has one.
        if ((!body.IsEmpty && body[^1] != '\n') || headerBlock.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 || (eightBit && !eightBitTransport)
            || span.IndexOf(ReferenceHeader) >= 0
            || !TryReadTopLevel(headerBlock, out var hasContentType, out var encoding)
            || !hasContentType
            || (encoding is not null && !IsSafe(encoding, eightBit)))
        {
            return false;
        }

        // The header block without its empty last line, then the declaration, the empty line and the body.
        var blankLine = headerBlock.EndsWith("\r\n"u8) ? 2 : 1;
        WriteCrLf(headerBlock[..^blankLine], output);
        if (eightBit && encoding is null)
        {
            output.Write("Content-Transfer-Encoding: 8bit\r\n"u8);
        }

        output.Write("\r\n"u8);
        WriteCrLf(body, output);
        return true;
    }

    /// <summary>The top-level header fields as far as sending needs them: whether there is a Content-Type, and the
    /// Content-Transfer-Encoding's value (null when none); false if a field does not start with a field name and a colon
    /// (RFC 5322 §2.2: printable ASCII but the colon).</summary>
    private static bool TryReadTopLevel(ReadOnlySpan<byte> headerBlock, out bool hasContentType, out string? encoding)
    {
        hasContentType = false;
        encoding = null;
        var at = 0;
        // Up to the blank line that ends the block (LF or CRLF).
        while (at < headerBlock.Length && headerBlock[at] != '\n' && !headerBlock[at..].StartsWith("\r\n"u8))
        {
            var end = HeaderFieldEnd(headerBlock, at);
            var field = headerBlock[at..end];
            var colon = field.IndexOf((byte)':');
            var name = colon > 0 ? field[..colon] : default;
            if (colon <= 0 || name.IndexOfAnyExceptInRange((byte)33, (byte)126) >= 0)
            {
                return false;
            }

            if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                hasContentType = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Transfer-Encoding"u8))
            {
                encoding = Encoding.ASCII.GetString(field[(colon + 1)..]);
            }

            at = end;
        }

        return true;
    }

    /// <summary>Where the header field that starts at <paramref name="start"/> ends: after its line and the folded lines
    /// that continue it (those starting with a space or tab), LF or CRLF.</summary>
    internal static int HeaderFieldEnd(ReadOnlySpan<byte> bytes, int start)
    {
        var end = start;
        do
        {
            var lineEnd = bytes[end..].IndexOf((byte)'\n');
            end = lineEnd < 0 ? bytes.Length : end + lineEnd + 1;
        }
        while (end < bytes.Length && bytes[end] is (byte)' ' or (byte)'\t');

        return end;
    }

    /// <summary>A declared top-level encoding that needs no preparing: 7bit, quoted-printable and base64 for 7-bit
    /// content; 8bit for 8-bit content (binary would need BINARYMIME).</summary>
    private static bool IsSafe(string value, bool eightBit) => value.Trim().ToLowerInvariant() switch
    {
        "7bit" or "quoted-printable" or "base64" => !eightBit,
        "8bit" => true,
        _ => false,
    };

    /// <summary>One pass over the lines: where the body starts (after the first empty line); false for a mail without a
    /// body, a line over 998 bytes, a NUL or a CR that does not end a line.</summary>
    private static bool TryScan(ReadOnlySpan<byte> raw, out int bodyStart)
    {
        bodyStart = -1;
        if (raw.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        var position = 0;
        while (position < raw.Length)
        {
            var rest = raw[position..];
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.Length > MaxLineLength || line.IndexOf((byte)'\r') >= 0)
            {
                return false;
            }

            position += end < 0 ? rest.Length : end + 1;
            if (line.IsEmpty && bodyStart < 0 && end >= 0)
            {
                bodyStart = position;
            }
        }

        return bodyStart > 0;
    }

    /// <summary>Copies <paramref name="text"/> with every line ending in CRLF, as SMTP sends it.</summary>
    private static void WriteCrLf(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            if (end < 0)
            {
                output.Write(text);
                return;
            }

            // A line that has its CR already is copied with its LF; a bare LF gets a CR before it.
            if (end > 0 && text[end - 1] == '\r')
            {
                output.Write(text[..(end + 1)]);
            }
            else
            {
                output.Write(text[..end]);
                output.Write("\r\n"u8);
            }

            text = text[(end + 1)..];
        }
    }
}
