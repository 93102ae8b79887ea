namespace ClpMailGateway.Parsing;

/// <summary>
/// How one mail client or webmail marks quoted history, signatures and its own footer, apart from the words of a
/// language (those are in <see cref="LanguageRules"/>). Plain data: <see cref="ClientTable"/> lists every client, and
/// <see cref="HtmlReplyConverter"/>, <see cref="ReplyVocabulary"/> and <see cref="ReplyTrimmer"/> build their matchers
/// from all of them at once, so supporting a client means adding one entry.
/// </summary>
/// <param name="Client">The client's name, for people reading the table.</param>
public sealed record ClientFormat(string Client)
{
    /// <summary>HTML containers whose whole content is quoted history or a signature, as simple selectors:
    /// <c>.class</c>, <c>#id</c>, <c>#idprefix*</c>, <c>[attribute=value]</c>, each optionally after an element name
    /// (<c>div.gmail_quote</c>, <c>blockquote[type=cite]</c>).</summary>
    public IReadOnlyList<string> QuoteSelectors { get; init; } = [];

    /// <summary>HTML markers after which everything is history, in the same selector form.</summary>
    public IReadOnlyList<string> CutSelectors { get; init; } = [];

    /// <summary>Words of a separator line that starts the history, written between dashes or equals signs
    /// (<c>------------------ Original ------------------</c>), beyond a language's own markers.</summary>
    public IReadOnlyList<string> SeparatorWords { get; init; } = [];

    /// <summary>Regular expressions of a plain-text line that starts the history (GroupWise's
    /// <c>&gt;&gt;&gt; Anna &lt;a@b&gt; 2/3/2025 10:12 &gt;&gt;&gt;</c>, NetEase's <c>| From | … |</c> table).</summary>
    public IReadOnlyList<string> HistoryLines { get; init; } = [];

    /// <summary>Whole-line footers the client adds below the person's text, literally (<c>*</c> stands for a device or
    /// app name). They may be longer than a short "Sent from my *" line.</summary>
    public IReadOnlyList<string> Footers { get; init; } = [];
}
