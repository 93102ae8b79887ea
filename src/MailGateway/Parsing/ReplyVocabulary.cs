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

    /// <summary>A separator line that starts the quoted history (<c>-----Original Message-----</c>), a client's own
    /// (<c>------------------ Original ------------------</c>) included.</summary>
    public static Regex OriginalMessage { get; } = new(
        $"^[\\s>*_=~\\-\u2010-\u2015]*(?:{Alternation(l => l.OriginalMessageMarkers, bounded: false)})[\\s*_=~\\-\u2010-\u2015]*:?[\\s*]*$"
        + $"|^[\\s>*]*[_=~\\-\u2010-\u2015]{{2,}}[\\s*]*(?:{string.Join('|', ClientTable.All.SelectMany(c => c.SeparatorWords).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(w => w.Length).Select(Escape))})[\\s*]*[_=~\\-\u2010-\u2015]{{2,}}[\\s*]*$",
        Options,
        Timeout);

    /// <summary>A forwarded message's separator line (<c>---------- Forwarded message ---------</c>).</summary>
    public static Regex ForwardedMessage { get; } = new($"^[\\s>*_=~\\-\u2010-\u2015]*(?:{Alternation(l => l.ForwardMarkers, bounded: false)})[\\s*_=~\\-\u2010-\u2015]*:?[\\s*]*$", Options, Timeout);

    /// <summary>A client's own plain-text line that starts the history (<see cref="ClientFormat.HistoryLines"/>).</summary>
    public static Regex ClientHistoryLine { get; } = new(string.Join('|', ClientTable.All.SelectMany(c => c.HistoryLines).Select(h => $"(?:{h})")), Options, Timeout);

    /// <summary>The first line of a legal disclaimer: one of the openers at its start.</summary>
    public static Regex DisclaimerOpener { get; } = new($"^[\\s*_=~-]*(?:{Alternation(l => l.DisclaimerOpeners, bounded: false)})", Options, Timeout);

    /// <summary>A word every disclaimer holds, at a word's start.</summary>
    public static Regex DisclaimerWord { get; } = new($"(?<![\\p{{L}}])(?:{Alternation(l => l.DisclaimerWords, bounded: false)})", Options, Timeout);

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

    /// <summary>Footers that start with words (<c>Sent from my *</c>).</summary>
    private static Regex MobileFooterStart { get; } = Footers(f => !f.StartsWith('*'), RegexOptions.None);

    /// <summary>Footers that start with the device or app name (<c>*から送信</c>), matched from the end of the line
    /// where their words are; from the start every one of them tries every length of the name. The two halves in
    /// one alternation cost tens of times more than apart.</summary>
    private static Regex MobileFooterEnd { get; } = Footers(f => f.StartsWith('*'), RegexOptions.RightToLeft);

    public static Regex AutoReplySubject { get; } = new($"^\\s*[\\[(]?\\s*(?:{Alternation(l => l.AutoReplySubjects, bounded: false)})(?![\\p{{L}}])", Options, Timeout);

    public static Regex AutoReplyBody { get; } = new(Alternation(l => l.AutoReplyBodyPhrases, bounded: true), Options, Timeout);

    /// <summary>A delivery failure notice's subject, in any language (anywhere in the subject: providers prefix it).</summary>
    public static Regex BounceSubject { get; } = new(Alternation(l => l.BounceSubjects, bounded: true), Options, Timeout);

    public static Regex BouncePhrase { get; } = new(Alternation(l => l.BouncePhrases, bounded: true), Options, Timeout);

    /// <summary>An Outlook recall request's subject: the prefix, then a colon.</summary>
    public static Regex RecallSubject { get; } = new($"^\\s*(?:{Alternation(l => l.RecallSubjects, bounded: false)})\\s*[:：]", Options, Timeout);

    /// <summary>The whole line is a footer of a mobile or webmail client.</summary>
    public static bool IsMobileFooter(string text) => MobileFooterStart.IsMatch(text) || MobileFooterEnd.IsMatch(text);

    /// <summary>The whole line is one of <see cref="ClientTable"/>'s footers (they may be long sentences).</summary>
    public static Regex ClientFooter { get; } = new(
        $"^(?:{string.Join('|', ClientTable.All.SelectMany(c => c.Footers).Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).Select(Wildcard))})$", Options, Timeout);

    private static Regex Footers(Func<string, bool> where, RegexOptions direction) =>
        new($"^(?:{string.Join('|', LanguageTable.All.SelectMany(l => l.MobileFooters).Distinct(StringComparer.Ordinal).Where(where).Select(Wildcard))})$", Options | direction, Timeout);

    private static string Alternation(Func<LanguageRules, IEnumerable<string>> select, bool bounded) =>
        bounded ? BoundedAlternation(Phrases(select)) : string.Join('|', Phrases(select).Select(Escape));

    private static IEnumerable<string> Phrases(Func<LanguageRules, IEnumerable<string>> select) =>
        LanguageTable.All.SelectMany(select).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(s => s.Length);

    /// <summary>Letters of alphabetic scripts must not touch other letters; CJK, Thai and the like have no spaces.
    /// The phrases are grouped by the ends that need that boundary, so each lookaround is written once per group: a
    /// lookaround in front of every alternative hides their first letters from the regex engine, which then tries
    /// every alternative at every position (ten times slower). Regrouping changes which alternative wins, never
    /// whether there is a match: these patterns are only used with <c>IsMatch</c>.</summary>
    private static string BoundedAlternation(IEnumerable<string> phrases) =>
        string.Join('|', phrases
            .GroupBy(p => (Before: IsSpaced(p[0]), After: IsSpaced(p[^1])))
            .Select(g => (g.Key.Before ? "(?<![\\p{L}])" : string.Empty)
                + "(?:" + string.Join('|', g.Select(Escape)) + ")"
                + (g.Key.After ? "(?![\\p{L}])" : string.Empty)));

    private static bool IsSpaced(char c) => char.IsLetter(c) && c < '\u0E00';

    /// <summary>Regex for a phrase, where any run of spaces may be any whitespace (the header may be wrapped).</summary>
    private static string Escape(string phrase) =>
        Regex.Escape(phrase).Replace("\\ ", "\\s+", StringComparison.Ordinal);

    private static string Wildcard(string footer) =>
        string.Join(".{1,40}?", footer.Split('*').Select(Escape));
}
