using ClpMailGateway.Domain;
using MimeKit;
using MimeKit.IO;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Sends a queued mail as it was rendered instead of parsing its MIME tree again. The sender's profile (2,000 ~3.4 KB
/// notifications over 4 connections) had a third of its CPU in MimeKit: <c>MimeMessage.Load</c> of every stored mail,
/// then, for BDAT, the whole tree written twice (once to measure, once to the server) part by part through the newline
/// filter. Wrapped here, only the top-level header block is parsed (MailKit reads nothing else) and the rest goes out
/// as one block of bytes, converted to CRLF once.
/// <para>
/// Only a mail that needs nothing from MailKit's <c>Prepare</c> is wrapped, so what the server receives is what was
/// rendered: 7-bit throughout, or 8-bit text when the server offers 8BITMIME and the composer declared each 8-bit part
/// (<see cref="DeclareEightBit"/>; then the top level says <c>Content-Transfer-Encoding: 8bit</c> too and MailKit sends
/// <c>BODY=8BITMIME</c>); no line over 998 bytes; no NUL and no stray CR; headers 7-bit; no attachment by reference
/// (<see cref="AttachedFiles"/>) to fill in. Anything else returns null and goes the long way: parsed, filled and
/// prepared by MimeKit for what the server offers.
/// </para>
/// </summary>
public static class StoredMail
{
    /// <summary>RFC 5322 2.1.1: at most 998 characters on a line, without the CRLF.</summary>
    public const int MaxLineLength = 998;

    private static readonly byte[] ReferenceHeader = System.Text.Encoding.ASCII.GetBytes(AttachedFiles.Header + ":");

    /// <summary>Declares <c>Content-Transfer-Encoding: 8bit</c> on each part of <paramref name="message"/> whose content is
    /// 8-bit with lines of at most 998 bytes, as MailKit's <c>Prepare</c> would for a server with 8BITMIME, so that the
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

    /// <summary>The mail in <paramref name="raw"/> ready to send as it is, or null when it must be parsed and prepared.</summary>
    /// <param name="eightBitTransport">8-bit content may go as it is: the server offers 8BITMIME and the mail's composer
    /// declared each 8-bit part (<see cref="DeclareEightBit"/>).</param>
    public static MimeMessage? TryWrap(byte[] raw, bool eightBitTransport)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!TryScan(raw, out var bodyStart, out var bareLineFeeds))
        {
            return null;
        }

        var span = raw.AsSpan();
        var headerBlock = span[..bodyStart];
        var body = span[bodyStart..];
        var eightBit = body.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        // MailKit asks for a final newline (FormatOptions.EnsureNewLine); a rendered mail has one.
        if ((!body.IsEmpty && body[^1] != '\n') || headerBlock.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 || (eightBit && !eightBitTransport)
            || span.IndexOf(ReferenceHeader) >= 0)
        {
            return null;
        }

        var headers = ParseHeaders(raw, bodyStart);
        var encoding = headers?.FirstOrDefault(h => h.Id == HeaderId.ContentTransferEncoding);
        if (headers is null || !headers.Any(h => h.Id == HeaderId.ContentType)
            || (encoding is not null && !IsSafe(encoding.Value, eightBit)))
        {
            return null;
        }

        var message = new MimeMessage(headers.Where(h => !IsContentHeader(h)), new StoredBody(headers.Where(IsContentHeader), CrLf(body, bareLineFeeds), eightBit && encoding is null));
        // The constructor adds a From, Date, Subject and Message-Id of its own when the headers have none.
        foreach (var id in (ReadOnlySpan<HeaderId>)[HeaderId.From, HeaderId.Date, HeaderId.Subject, HeaderId.MessageId])
        {
            if (!headers.Exists(h => h.Id == id))
            {
                message.Headers.RemoveAll(id);
            }
        }

        return message;
    }

    /// <summary>The header fields of the block before <paramref name="bodyStart"/>, each with its folded lines as
    /// written; null if one does not parse. Field by field with <see cref="Header.TryParse(ParserOptions, byte[], int, int, out Header)"/>:
    /// <c>HeaderList.Load</c> sets up a whole MIME parser, a third of the wrapping's cost.</summary>
    private static List<Header>? ParseHeaders(byte[] raw, int bodyStart)
    {
        var headers = new List<Header>(24);
        var block = raw.AsSpan(0, bodyStart);
        var at = 0;
        // Up to the blank line that ends the block (LF or CRLF).
        while (at < bodyStart && block[at] != '\n' && !block[at..].StartsWith("\r\n"u8))
        {
            var end = HeaderFieldEnd(block, at);
            if (!Header.TryParse(ParserOptions.Default, raw, at, end - at, out var header))
            {
                return null;
            }

            headers.Add(header);
            at = end;
        }

        return headers;
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

    private static bool IsContentHeader(Header header) => header.Field.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);

    /// <summary>A declared top-level encoding that needs no preparing: 7bit, quoted-printable and base64 for 7-bit
    /// content; 8bit for 8-bit content (binary would need BINARYMIME).</summary>
    private static bool IsSafe(string value, bool eightBit) => value.Trim().ToLowerInvariant() switch
    {
        "7bit" or "quoted-printable" or "base64" => !eightBit,
        "8bit" => true,
        _ => false,
    };

    /// <summary>One pass over the lines: where the body starts (after the first empty line), how many lines end in a
    /// bare LF; false for a mail without a body, a line over 998 bytes, a NUL or a CR that does not end a line.</summary>
    private static bool TryScan(ReadOnlySpan<byte> raw, out int bodyStart, out int bareLineFeeds)
    {
        bodyStart = -1;
        bareLineFeeds = 0;
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
            else if (end >= 0)
            {
                bareLineFeeds++;
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

    /// <summary>The body with every line ending in CRLF, as SMTP sends it.</summary>
    private static byte[] CrLf(ReadOnlySpan<byte> body, int bareLineFeeds)
    {
        if (bareLineFeeds == 0)
        {
            return body.ToArray();
        }

        var converted = new byte[body.Length + bareLineFeeds];
        var written = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            if (end < 0)
            {
                body.CopyTo(converted.AsSpan(written));
                written += body.Length;
                break;
            }

            var line = body[..end];
            body = body[(end + 1)..];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            line.CopyTo(converted.AsSpan(written));
            written += line.Length;
            converted[written++] = (byte)'\r';
            converted[written++] = (byte)'\n';
        }

        return written == converted.Length ? converted : converted[..written];
    }

    /// <summary>The top-level entity of a wrapped mail: its Content-* headers as rendered and its content as one block.
    /// A <see cref="MimePart"/>, so MailKit's encoding visitor sees 8-bit content and asks for BODY=8BITMIME.</summary>
    private sealed class StoredBody : MimePart
    {
        private readonly byte[] _content;

        /// <summary>The base constructor's Content-Type (application/octet-stream) is replaced by the stored one.</summary>
        public StoredBody(IEnumerable<Header> headers, byte[] content, bool declareEightBit)
        {
            _content = content;
            foreach (var header in headers)
            {
                if (header.Id == HeaderId.ContentType)
                {
                    Headers.Replace(header);
                }
                else
                {
                    Headers.Add(header);
                }
            }

            if (declareEightBit)
            {
                ContentTransferEncoding = ContentEncoding.EightBit;
            }
        }

        /// <summary>Nothing to prepare: <see cref="TryWrap"/> took only content that any server it sends to accepts.</summary>
        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(stream);
            if (!contentOnly)
            {
                Headers.WriteTo(options, stream, cancellationToken);
            }

            if (options.NewLineFormat == NewLineFormat.Dos)
            {
                stream.Write(_content);
                return;
            }

            using var filtered = new FilteredStream(stream);
            filtered.Add(new MimeKit.IO.Filters.Dos2UnixFilter());
            filtered.Write(_content, 0, _content.Length, cancellationToken);
            filtered.Flush(cancellationToken);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(stream);
            if (!contentOnly)
            {
                await Headers.WriteToAsync(options, stream, cancellationToken);
            }

            if (options.NewLineFormat == NewLineFormat.Dos)
            {
                await stream.WriteAsync(_content, cancellationToken);
                return;
            }

            using var filtered = new FilteredStream(stream);
            filtered.Add(new MimeKit.IO.Filters.Dos2UnixFilter());
            await filtered.WriteAsync(_content, cancellationToken);
            await filtered.FlushAsync(cancellationToken);
        }
    }
}
