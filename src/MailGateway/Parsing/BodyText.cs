using System.Text;
using MimeKit;
using MimeKit.Text;
using UtfUnknown;

namespace ClpMailGateway.Parsing;

/// <summary>Reads a text part the way its sender meant it: wrong or missing charsets repaired, format=flowed
/// unwrapped.</summary>
internal static class BodyText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static BodyText() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The decoded text (<see cref="DecodeBytes(ReadOnlySpan{byte}, string?, ICollection{string}?)"/>).</summary>
    /// <param name="notes">Receives a line when the declared charset was replaced or the part's transfer encoding is
    /// damaged.</param>
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
        var text = DecodeBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), part.ContentType.Charset, out var replaced);
        if (replaced is not null)
        {
            notes?.Add($"{PartDecoding.Describe(part)}: {replaced}");
        }

        if (part.IsFlowed)
        {
            var delsp = part.ContentType.Parameters.TryGetValue("delsp", out string? value) && value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            // RFC 3676: the "-- " signature separator is never a soft break, but FlowedToText would join it; a line
            // space-stuffed before a '>' is the person's text starting with '>', not a quote, and is marked as such.
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
                .Select(l => l == "-- " ? "--" : l.StartsWith(" >", StringComparison.Ordinal) ? " " + ReplyTrimmer.StuffedMark + l[1..] : l);
            text = new FlowedToText { DeleteSpace = delsp }.Convert(string.Join('\n', lines));
        }

        return text;
    }

    internal static string DecodeBytes(ReadOnlySpan<byte> bytes, string? charset) => DecodeBytes(bytes, charset, out _);

    /// <summary>The text of <paramref name="bytes"/>. The label is trusted when it can be right: a UTF-16 or UTF-32 label
    /// needs a byte-order mark or NUL bytes; a multi-byte label (UTF-8, Shift_JIS, GBK…) needs bytes valid in it.
    /// Bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 whatever the label says (a <c>Big5</c> label on
    /// UTF-8 bytes). A label that cannot be right, or none, gives way to detection; <c>iso-8859-1</c> is read as its
    /// superset windows-1252.</summary>
    /// <param name="replaced">Why the label was not used, and what was, when it was not.</param>
    internal static string DecodeBytes(ReadOnlySpan<byte> bytes, string? charset, out string? replaced)
    {
        replaced = null;
        var label = Label(charset);
        var encoding = label is null ? null : Encoding(label);
        if (encoding is not null && IsWide(encoding))
        {
            return Wide(bytes, encoding) is { } wide
                ? wide.Encoding.GetString(bytes[wide.Skip..])
                : Detected(bytes, label, "the bytes have no byte-order mark and no NUL bytes", out replaced);
        }

        if (Ascii.IsValid(bytes))
        {
            // Seven-bit charsets (ISO-2022-JP, UTF-7) need their label; for the others every label reads ASCII the same.
            return (encoding ?? System.Text.Encoding.ASCII).GetString(bytes);
        }

        if (IsUtf8(bytes))
        {
            return StrictUtf8.GetString(bytes);
        }

        if (encoding is null)
        {
            return Detected(bytes, label, label is null ? null : "the runtime does not know it", out replaced);
        }

        if (encoding.IsSingleByte)
        {
            return encoding.GetString(bytes);
        }

        try
        {
            return Strict(encoding).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Mailers label bytes with an older charset the real one extends (GB18030 as GBK, CP949 as EUC-KR), or Japanese
            // in Shift_JIS or EUC-JP with ISO-2022-JP, the charset Japanese mail declares.
            foreach (var candidate in Candidates(encoding))
            {
                try
                {
                    var text = Strict(candidate).GetString(bytes);
                    replaced = $"declared charset {label} cannot be right (the bytes are not valid in it); read as {candidate.WebName}";
                    return text;
                }
                catch (DecoderFallbackException)
                {
                    // Not this one either.
                }
            }

            return Detected(bytes, label, "the bytes are not valid in it", out replaced);
        }
    }

    /// <summary>The charsets mailers write under this one's name, most likely first.</summary>
    private static IEnumerable<Encoding> Candidates(Encoding encoding) => (encoding.CodePage switch
    {
        936 => [54936], // GBK, GB2312 -> GB18030
        51949 => [949], // EUC-KR -> UHC (CP949)
        50220 or 50221 or 50222 => [932, 51932], // ISO-2022-JP -> Shift_JIS, EUC-JP
        _ => Array.Empty<int>(),
    }).Select(System.Text.Encoding.GetEncoding);

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>The charset UTF.Unknown finds for the bytes, or windows-1252 (every byte is a character in it) when it
    /// finds none it is sure of.</summary>
    private static string Detected(ReadOnlySpan<byte> bytes, string? label, string? why, out string? replaced)
    {
        var detection = CharsetDetector.DetectFromBytes(bytes);
        var encoding = detection.Detected is { Encoding: { } found, Confidence: >= 0.3f } && !IsWide(found) ? found : System.Text.Encoding.GetEncoding(1252);
        var name = encoding.WebName;
        replaced = label is null
            ? $"no charset declared; read as {name} (detected)"
            : $"declared charset {label} cannot be right ({why}); read as {name} (detected)";
        return encoding.GetString(bytes);
    }

    private static bool IsWide(Encoding encoding) => encoding is UnicodeEncoding or UTF32Encoding;

    /// <summary>How UTF-16 or UTF-32 bytes read, or null when they cannot be either: such text starts with its
    /// byte-order mark (which says the byte order), or holds NUL bytes (the high bytes of every Latin character, which
    /// say the byte order by where they fall), and is a whole number of code units long.</summary>
    private static (Encoding Encoding, int Skip)? Wide(ReadOnlySpan<byte> bytes, Encoding labelled)
    {
        var utf32 = labelled is UTF32Encoding;
        if (utf32 ? bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (utf32 ? new UTF32Encoding(bigEndian: false, byteOrderMark: false) : new UnicodeEncoding(bigEndian: false, byteOrderMark: false), utf32 ? 4 : 2);
        }

        if (utf32 ? bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (utf32 ? new UTF32Encoding(bigEndian: true, byteOrderMark: false) : new UnicodeEncoding(bigEndian: true, byteOrderMark: false), utf32 ? 4 : 2);
        }

        var unit = utf32 ? 4 : 2;
        if (bytes.Length == 0)
        {
            return (labelled, 0);
        }

        if (bytes.Length % unit != 0 || !bytes.Contains((byte)0))
        {
            return null;
        }

        // Latin text has its NULs in the high bytes: the last byte of a unit little-endian, the first big-endian.
        var (first, last) = (0, 0);
        for (var i = 0; i + unit - 1 < bytes.Length; i += unit)
        {
            first += bytes[i] == 0 ? 1 : 0;
            last += bytes[i + unit - 1] == 0 ? 1 : 0;
        }

        var bigEndian = first > last;
        return (utf32 ? new UTF32Encoding(bigEndian, byteOrderMark: false) : new UnicodeEncoding(bigEndian, byteOrderMark: false), 0);
    }

    private static string? Label(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"').ToLowerInvariant();
        return name is "iso-8859-1" or "latin1" or "us-ascii" or "ascii" or "iso_8859-1" ? "windows-1252" : name;
    }

    private static Encoding? Encoding(string name)
    {
        try
        {
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static Encoding Strict(Encoding encoding) =>
        System.Text.Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
}
