using MimeKit;
using MimeKit.IO;

namespace ClpMailGateway.Parsing;

/// <summary>Loads raw mail bytes the way the gateway reads every mail: leniently, and past any blank lines before the
/// header (some exporters and test corpora prepend one, which would otherwise turn the whole header into body text).</summary>
public static class RawMessage
{
    /// <summary>Multipart and attached-message levels the parser enters; a part nested deeper is read as one opaque part
    /// (kept as a file). Postfix refuses mail nested deeper than 100 levels by default; real mail nests a handful.</summary>
    public const int MaxMimeDepth = 100;

    private static readonly ParserOptions Options = CreateOptions();

    private static ParserOptions CreateOptions()
    {
        var options = ParserOptions.Default.Clone();
        options.MaxMimeDepth = MaxMimeDepth;
        return options;
    }

    public static MimeMessage Load(byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var start = 0;
        while (start < raw.Length && raw[start] is (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        // Persistent: the parts' contents are windows on these bytes, not copies of them (a 10 MB attachment is not
        // copied once more). The stream wraps the array only and stays readable for as long as the message is used.
        var stream = new MemoryStream(raw, start, raw.Length - start, writable: false);
        return MimeMessage.Load(Options, stream, persistent: true);
    }

    /// <summary>The same from a seekable stream (a stored mail read from its row), also parsed in place: the parts'
    /// contents are windows on <paramref name="raw"/>, which must stay open, and must not be used by anything else, for
    /// as long as the message is used.</summary>
    public static MimeMessage Load(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!raw.CanSeek)
        {
            throw new ArgumentException("The raw mail stream must be seekable.", nameof(raw));
        }

        var start = raw.Position;
        while (raw.ReadByte() is '\r' or '\n')
        {
            start++;
        }

        var body = new BoundStream(raw, start, raw.Length, leaveOpen: true);
        return MimeMessage.Load(Options, body, persistent: true);
    }
}
