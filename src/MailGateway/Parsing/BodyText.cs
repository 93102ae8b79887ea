using System.Text;
using MimeKit;
using MimeKit.Text;

namespace ClpMailGateway.Parsing;

/// <summary>Reads a text part the way its sender meant it: wrong or missing charsets repaired, format=flowed
/// unwrapped.</summary>
internal static class BodyText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded text. Bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 whatever the label
    /// says (a <c>Big5</c> label on UTF-8 bytes); otherwise the declared charset, with <c>iso-8859-1</c> read as its
    /// superset windows-1252, and UTF-8 when the label is unknown.</summary>
    /// <param name="notes">Receives a line when the part's transfer encoding is damaged.</param>
    public static string Decode(TextPart part, ICollection<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.Content is null)
        {
            return string.Empty;
        }

        if (notes is not null && PartDecoding.Problem(part) is { } problem)
        {
            notes.Add($"{PartDecoding.Describe(part)}: {problem}; read as far as it goes");
        }

        // The encoded size bounds the decoded one (base64, quoted-printable): one buffer, no regrowth.
        using var buffer = new MemoryStream(part.Content.Stream is { CanSeek: true } encoded ? (int)Math.Min(encoded.Length, 64 * 1024 * 1024) : 0);
        part.Content.DecodeTo(buffer);
        var text = DecodeBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), part.ContentType.Charset);
        if (part.IsFlowed)
        {
            var delsp = part.ContentType.Parameters.TryGetValue("delsp", out string? value) && value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            // RFC 3676: the "-- " signature separator is never a soft break, but FlowedToText would join it.
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l == "-- " ? "--" : l);
            text = new FlowedToText { DeleteSpace = delsp }.Convert(string.Join('\n', lines));
        }

        return text;
    }

    internal static string DecodeBytes(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (!Ascii.IsValid(bytes))
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-8: trust the label below.
            }
        }

        return Encoding(charset).GetString(bytes);
    }

    private static Encoding Encoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return System.Text.Encoding.UTF8;
        }

        var name = charset.Trim().Trim('"').ToLowerInvariant();
        if (name is "iso-8859-1" or "latin1" or "us-ascii" or "ascii" or "iso_8859-1")
        {
            name = "windows-1252";
        }

        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return System.Text.Encoding.UTF8;
        }
    }
}
