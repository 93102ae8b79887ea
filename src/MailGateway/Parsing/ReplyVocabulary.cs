using System.Text.RegularExpressions;

namespace ClpMailGateway.Parsing;

/// <summary>The matchers built once from every <see cref="LanguageTable"/> entry. The patterns are data, so they are
/// compiled at start-up rather than generated at build time; the fixed shapes live in <see cref="ReplyPatterns"/>.</summary>
internal static class ReplyVocabulary
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;
    // A belt against a pathological input, not a budget: the first match also pays for JIT-compiling these large
    // compiled patterns, which on a busy 2-core machine took over a second and made a 1 s limit fail at random.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Ends with a "wrote" verb, then an optional colon.</summary>
    public static Regex WroteAtEnd { get; } = new($"(?:{Alternation(l => l.WroteMarkers, bounded: true)})\\s*[:：]?\\s*$", Options, Timeout);

    /// <summary>Holds a "wrote" verb anywhere (German "X schrieb am …:", Hungarian "X ezt írta (időpont: …):").</summary>
    public static Regex WroteInside { get; } = new(Alternation(l => l.WroteMarkers, bounded: true), Options, Timeout);

    public static Regex OriginalMessage { get; } = new($"^[\\s>*_=~-]*(?:{Alternation(l => l.OriginalMessageMarkers, bounded: false)})[\\s*_=~-]*:?[\\s*]*$", Options, Timeout);

    /// <summary>An Outlook header line; the named group says which field.</summary>
    public static Regex HeaderField { get; } = new(
        "^[\\s>*]*(?:"
        + $"(?<from>{Alternation(l => l.FromFields, bounded: false)})"
        + $"|(?<sent>{Alternation(l => l.SentFields, bounded: false)})"
        + $"|(?<to>{Alternation(l => l.ToFields, bounded: false)})"
        + $"|(?<subject>{Alternation(l => l.SubjectFields, bounded: false)})"
        + $"|(?<other>{Alternation(l => l.OtherFields, bounded: false)})"
        + ")[\\s*]*[:：]",
        Options,
        Timeout);

    /// <summary>A field label inside a line (Outlook blocks flattened onto one line by an HTML conversion).</summary>
    public static Regex InlineHeaderField { get; } = new(
        $"\\s(?:{Alternation(l => [.. l.SentFields, .. l.ToFields, .. l.SubjectFields], bounded: false)})\\s*[:：]",
        Options,
        Timeout);

    public static Regex MobileFooter { get; } = new($"^(?:{string.Join('|', LanguageTable.All.SelectMany(l => l.MobileFooters).Distinct(StringComparer.Ordinal).Select(Wildcard))})$", Options, Timeout);

    public static Regex AutoReplySubject { get; } = new($"^\\s*[\\[(]?\\s*(?:{Alternation(l => l.AutoReplySubjects, bounded: false)})(?![\\p{{L}}])", Options, Timeout);

    public static Regex AutoReplyBody { get; } = new(Alternation(l => l.AutoReplyBodyPhrases, bounded: true), Options, Timeout);

    private static string Alternation(Func<LanguageRules, IEnumerable<string>> select, bool bounded) =>
        string.Join('|', LanguageTable.All.SelectMany(select).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(s => s.Length)
            .Select(s => bounded ? Bounded(s) : Escape(s)));

    /// <summary>Letters of alphabetic scripts must not touch other letters; CJK, Thai and the like have no spaces.</summary>
    private static string Bounded(string phrase)
    {
        var escaped = Escape(phrase);
        var before = IsSpaced(phrase[0]) ? "(?<![\\p{L}])" : string.Empty;
        var after = IsSpaced(phrase[^1]) ? "(?![\\p{L}])" : string.Empty;
        return before + escaped + after;
    }

    private static bool IsSpaced(char c) => char.IsLetter(c) && c < '\u0E00';

    /// <summary>Regex for a phrase, where any run of spaces may be any whitespace (the header may be wrapped).</summary>
    private static string Escape(string phrase) =>
        Regex.Escape(phrase).Replace("\\ ", "\\s+", StringComparison.Ordinal);

    private static string Wildcard(string footer) =>
        string.Join(".{1,40}?", footer.Split('*').Select(Escape));
}
