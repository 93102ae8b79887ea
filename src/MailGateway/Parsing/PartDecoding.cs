using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>Whether a part's content can be decoded as its <c>Content-Transfer-Encoding</c> says. MimeKit decodes
/// leniently (it skips what is not base64, keeps a broken quoted-printable escape as it is, copies an unknown encoding
/// as it came), so a damaged part decodes to something; this says when that something is not the file that was sent.</summary>
internal static class PartDecoding
{
    private static readonly string[] KnownEncodings = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode", "x-uue"];

    /// <summary>What is wrong with the part's transfer encoding, or null when it decodes as declared.</summary>
    public static string? Problem(MimePart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var declared = part.Headers[HeaderId.ContentTransferEncoding]?.Trim();
        if (!string.IsNullOrEmpty(declared) && !KnownEncodings.Contains(declared, StringComparer.OrdinalIgnoreCase))
        {
            return $"unknown transfer encoding '{Shorten(declared)}'";
        }

        if (part.Content?.Stream is not { } stream)
        {
            return null;
        }

        return part.ContentTransferEncoding switch
        {
            ContentEncoding.Base64 => Base64Problem(stream),
            ContentEncoding.QuotedPrintable => QuotedPrintableProblem(stream),
            _ => null,
        };
    }

    /// <summary>The part as a note names it: its file name or its type.</summary>
    public static string Describe(MimeEntity part) =>
        part is MimePart { FileName: { Length: > 0 } name } ? $"'{Shorten(name)}' ({part.ContentType.MimeType})" : part.ContentType.MimeType;

    /// <summary>Characters outside the base64 alphabet (blanks apart), data after the padding, or a length no encoder
    /// writes (one character over a whole group).</summary>
    private static string? Base64Problem(Stream stream)
    {
        var count = 0L;
        var padded = false;
        string? problem = null;
        Scan(stream, chunk =>
        {
            foreach (var b in chunk)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }

                if (b == '=')
                {
                    padded = true;
                }
                else if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
                {
                    problem = $"base64 holds a character outside its alphabet (byte 0x{b:X2} at character {count + 1})";
                    return false;
                }
                else if (padded)
                {
                    problem = "base64 goes on after its padding";
                    return false;
                }
                else
                {
                    count++;
                }
            }

            return true;
        });
        return problem ?? (count % 4 == 1 ? "base64 is cut off (one character over a whole group)" : null);
    }

    /// <summary>An <c>=</c> that is neither a soft line break nor followed by two hexadecimal digits.</summary>
    private static string? QuotedPrintableProblem(Stream stream)
    {
        // The bytes after an '=' may straddle two chunks: carry what is pending.
        var pending = new List<byte>(3);
        string? problem = null;
        Scan(stream, chunk =>
        {
            foreach (var b in chunk)
            {
                if (pending.Count == 0)
                {
                    if (b == '=')
                    {
                        pending.Add(b);
                    }

                    continue;
                }

                pending.Add(b);
                if (pending.Count == 2 && (b is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t'))
                {
                    // A soft break (trailing blanks before it are allowed).
                    pending.Clear();
                    continue;
                }

                if (!Uri.IsHexDigit((char)b))
                {
                    problem = "quoted-printable holds an '=' that is neither an escape nor a soft line break";
                    return false;
                }

                if (pending.Count == 3)
                {
                    pending.Clear();
                }
            }

            return true;
        });
        return problem;
    }

    private static void Scan(Stream stream, Func<ReadOnlySpan<byte>, bool> chunk)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (!chunk(buffer.AsSpan(0, read)))
                {
                    return;
                }
            }
        }
        finally
        {
            if (stream.CanSeek)
            {
                stream.Position = start;
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
