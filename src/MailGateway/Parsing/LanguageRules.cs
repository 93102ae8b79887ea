namespace ClpMailGateway.Parsing;

/// <summary>
/// What one language's mail clients write around a reply: the words that end or fill a quote header
/// ("On … wrote:"), the original-message separators, Outlook's header field names, mobile footers, and out-of-office
/// phrases. Plain data: <see cref="ReplyVocabulary"/> builds the matchers from every language at once, so adding a
/// language means adding one entry to <see cref="LanguageTable"/>.
/// </summary>
/// <param name="Tag">BCP 47 tag (<c>fr</c>, <c>pt-BR</c>).</param>
/// <param name="Name">English name, for people reading the table.</param>
public sealed record LanguageRules(string Tag, string Name)
{
    /// <summary>The verb of a quote header, e.g. <c>wrote</c>, <c>a écrit</c>, <c>schrieb</c>, <c>写道</c>. A header
    /// is a short line (wrapped over at most four) with a date or an address and one of these at its end or before a
    /// final colon.</summary>
    public IReadOnlyList<string> WroteMarkers { get; init; } = [];

    /// <summary>Separators such as <c>-----Original Message-----</c>, without the dashes.</summary>
    public IReadOnlyList<string> OriginalMessageMarkers { get; init; } = [];

    /// <summary>Separators of a forwarded message (<c>Forwarded message</c>, <c>Weitergeleitete Nachricht</c>). Below the
    /// person's own text a forward is deliberate, and kept.</summary>
    public IReadOnlyList<string> ForwardMarkers { get; init; } = [];

    /// <summary>Outlook's header block field names (<c>From:</c>, <c>Sent:</c>, <c>To:</c>, <c>Subject:</c> and the
    /// others it may print), without the colon.</summary>
    public IReadOnlyList<string> FromFields { get; init; } = [];

    public IReadOnlyList<string> SentFields { get; init; } = [];

    public IReadOnlyList<string> ToFields { get; init; } = [];

    /// <summary>Cc, Reply-To and the like: they count towards a header block but never start one.</summary>
    public IReadOnlyList<string> OtherFields { get; init; } = [];

    public IReadOnlyList<string> SubjectFields { get; init; } = [];

    /// <summary>Whole-line footers of mobile and webmail clients; <c>*</c> stands for a device or app name
    /// (<c>Sent from my *</c>, <c>*から送信</c>).</summary>
    public IReadOnlyList<string> MobileFooters { get; init; } = [];

    /// <summary>Subject prefixes of out-of-office and automatic replies (<c>Automatic reply</c>,
    /// <c>Abwesenheitsnotiz</c>).</summary>
    public IReadOnlyList<string> AutoReplySubjects { get; init; } = [];

    /// <summary>Phrases of out-of-office bodies, and of "this mailbox is no longer in use" notices (automatic replies
    /// too, not bounces). Weak evidence: used only for a short body without any quoted history.</summary>
    public IReadOnlyList<string> AutoReplyBodyPhrases { get; init; } = [];

    /// <summary>Subjects of delivery failure notices written as prose by providers that send no DSN
    /// (<c>Unzustellbar</c>, <c>系统退信</c>).</summary>
    public IReadOnlyList<string> BounceSubjects { get; init; } = [];

    /// <summary>Sentences of those notices saying the mail was not delivered.</summary>
    public IReadOnlyList<string> BouncePhrases { get; init; } = [];

    /// <summary>How a legal disclaimer below a reply starts (<c>CONFIDENTIALITY NOTICE</c>, <c>This e-mail and any
    /// attachments</c>). A paragraph starting so, that also holds one of <see cref="DisclaimerWords"/>, ends the reply.</summary>
    public IReadOnlyList<string> DisclaimerOpeners { get; init; } = [];

    /// <summary>Words every disclaimer holds (<c>confidential</c>, <c>intended recipient</c>), as word beginnings.</summary>
    public IReadOnlyList<string> DisclaimerWords { get; init; } = [];

    /// <summary>Subject prefixes of Outlook's message recall requests (<c>Recall:</c>, <c>Rückruf:</c>), without the
    /// colon.</summary>
    public IReadOnlyList<string> RecallSubjects { get; init; } = [];
}
