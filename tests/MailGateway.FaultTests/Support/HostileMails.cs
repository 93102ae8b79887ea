using System.IO.Compression;
using System.Text;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>Mails built to hurt a mail parser, each a reply from a known user to a valid reply address (so it gets as far
/// into the gateway as it can), with its own Message-ID: thousands of parts, deep multipart, deep HTML, huge headers and
/// subjects, NUL bytes, bad base64 and quoted-printable, lying charsets, garbage TNEF, a zip bomb, nested attached
/// messages, 10,000 recipients.</summary>
public static class HostileMails
{
    public static IEnumerable<(string Name, byte[] Raw)> All(string from, string to, bool full)
    {
        yield return Build("5,000 parts", from, to, Parts(5_000));
        yield return Build("multipart nested 2,000 deep", from, to, NestedMultipart(2_000));
        yield return Build("HTML nested 64,000 deep (0.7 MB)", from, to, DeepHtml(64_000));
        if (full)
        {
            yield return Build("HTML nested 100,000 deep", from, to, DeepHtml(100_000));
        }

        yield return Build("10,000 header lines and a 2 MB header", from, to, "Content-Type: text/plain\r\n\r\nhuge headers\r\n", HugeHeaders());
        yield return Build("1 MB subject", from, to, "Content-Type: text/plain\r\n\r\nhuge subject\r\n", "Subject: " + Folded(new string('S', 1_000_000)) + "\r\n");
        yield return ("NUL bytes", Encoding.Latin1.GetBytes(Headers("NUL bytes", from, to, "X-Nul: a\0b\r\n") + "Content-Type: text/plain\r\n\r\nnew\0 text\0\0 with NULs\r\n" + new string('\0', 10_000) + "\r\n"));
        yield return Build("bad base64", from, to, Multipart(
            "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\nSGVsbG8=garbage==\r\n====\r\n",
            "Content-Type: application/pdf; name=cut.pdf\r\nContent-Disposition: attachment; filename=cut.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK" + new string('%', 50_000) + "\r\n"));
        yield return Build("bad quoted-printable", from, to,
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nnew text =ZZ =\r\n=C3=\r\n=" + string.Concat(Enumerable.Repeat("=XY=", 20_000)) + "\r\n");
        yield return Build("lying charsets", from, to, Multipart(
            "Content-Type: text/plain; charset=utf-16\r\n\r\nplain ASCII labelled UTF-16\r\n",
            "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nunknown charset\r\n",
            "Content-Type: text/html; charset=iso-2022-jp\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>\u00ff\u00fe\u001b$B\u00e9\u00e8</p>\r\n"));
        yield return Build("garbage TNEF", from, to, Multipart(
            "Content-Type: text/plain\r\n\r\nsee the file\r\n",
            "Content-Type: application/ms-tnef; name=winmail.dat\r\nContent-Disposition: attachment; filename=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64(Garbage(100_000, 3))));
        yield return Build("zip bomb", from, to, Multipart(
            "Content-Type: text/plain\r\n\r\nthe archive\r\n",
            "Content-Type: application/zip; name=bomb.zip\r\nContent-Disposition: attachment; filename=bomb.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64(ZipBomb(full ? 1024 : 256))));
        yield return Build("attached messages nested 300 deep", from, to, NestedMessages(300));
        yield return Build("10,000 recipients", from, to, "Content-Type: text/plain\r\n\r\nto everyone\r\n",
            "Cc: " + string.Join(",\r\n ", Enumerable.Range(0, 10_000).Select(i => $"person{i}@example.com")) + "\r\n");
    }

    private static (string, byte[]) Build(string name, string from, string to, string body, string extraHeaders = "") =>
        (name, Encoding.Latin1.GetBytes(Headers(name, from, to, extraHeaders) + body));

    private static string Headers(string name, string from, string to, string extra) =>
        $"Message-ID: <hostile-{Guid.NewGuid():N}@fault.test>\r\nFrom: {from}\r\nTo: {to}\r\n"
        + (extra.StartsWith("Subject:", StringComparison.Ordinal) ? string.Empty : $"Subject: Re: hostile {name}\r\n")
        + $"Date: {DateTimeOffset.UtcNow:R}\r\nMIME-Version: 1.0\r\n{extra}";

    private static string Multipart(params string[] parts) =>
        "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n" + string.Concat(parts.Select(p => "--b0\r\n" + p)) + "--b0--\r\n";

    private static string Parts(int count)
    {
        var text = new StringBuilder("Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\nmany parts\r\n");
        for (var i = 0; i < count; i++)
        {
            text.Append("--p\r\nContent-Type: application/octet-stream; name=f").Append(i).Append(".bin\r\nContent-Disposition: attachment\r\n\r\nx\r\n");
        }

        return text.Append("--p--\r\n").ToString();
    }

    private static string NestedMultipart(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append("Content-Type: multipart/mixed; boundary=\"n").Append(i).Append("\"\r\n\r\n--n").Append(i).Append("\r\n");
        }

        text.Append("Content-Type: text/plain\r\n\r\ndeep inside\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            text.Append("--n").Append(i).Append("--\r\n");
        }

        return text.ToString();
    }

    private static string DeepHtml(int depth) =>
        "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>" + string.Concat(Enumerable.Repeat("<div>", depth)) + "new text"
        + string.Concat(Enumerable.Repeat("</div>", depth)) + "</body></html>\r\n";

    private static string HugeHeaders() =>
        string.Concat(Enumerable.Range(0, 10_000).Select(i => $"X-Filler-{i}: {i}\r\n")) + "X-Huge: " + Folded(new string('h', 2_000_000)) + "\r\n";

    private static string Folded(string value) => string.Join("\r\n ", value.Chunk(76).Select(c => new string(c)));

    private static string NestedMessages(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append("Content-Type: message/rfc822\r\n\r\nFrom: inner").Append(i).Append("@example.com\r\nSubject: level ").Append(i).Append("\r\n");
        }

        return text.Append("Content-Type: text/plain\r\n\r\nthe innermost\r\n").ToString();
    }

    private static byte[] Garbage(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A zip whose one entry inflates to <paramref name="megabytes"/> MB of zeros.</summary>
    private static byte[] ZipBomb(int megabytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++)
            {
                entry.Write(zeros);
            }
        }

        return buffer.ToArray();
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
}
