using MimeKit;

namespace ClpMailGateway.Parsing;

public enum ReplyKind
{
    Reply,
    AutoReply,
    Bounce,
    NotAReply,
}

public enum BounceType
{
    Permanent,
    Transient,
}

/// <summary>A real attachment of a reply (not a signature image, not the body). <see cref="Part"/> gives the content
/// (decode with <c>Part.Content.DecodeTo</c> / <c>Open()</c>); for TNEF (winmail.dat) it is the extracted part.</summary>
public sealed record ExtractedAttachment(string Name, string ContentType, long SizeBytes, MimePart Part);

/// <summary>What a raw inbound mail means for the gateway. Pure data; no I/O was done to produce it.</summary>
/// <param name="Token">What follows <c>reply+</c> (22–64 of <c>A-Z a-z 0-9 - _</c>), unverified; null when absent or malformed.</param>
/// <param name="Text">The new text of the reply: quoted history, quote headers, signatures and mobile footers removed.</param>
/// <param name="RejectReason">Set when the mail must be refused whatever the token says, e.g. <c>attachment_too_large</c>.</param>
/// <param name="BouncedRecipient">For a bounce, the address that failed (Final-Recipient, else Original-Recipient, else legacy text).</param>
public sealed record ReplyAnalysis(
    ReplyKind Kind,
    string? Token,
    string Text,
    IReadOnlyList<ExtractedAttachment> Attachments,
    string? RejectReason,
    BounceType? BounceType,
    string? BouncedRecipient)
{
    /// <summary>What could not be read as declared and how it was read instead: a charset replaced by detection, a
    /// damaged transfer encoding, a <c>winmail.dat</c> kept as it came, HTML or MIME nested past the limits. For the
    /// inbound trace; empty for an ordinary mail.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>For a <see cref="ReplyKind.NotAReply"/> the sender's client sent by itself (<c>read receipt</c>,
    /// <c>calendar response</c>, <c>recall request</c>, <c>unsubscribe request</c>): nothing to post and nobody to tell.
    /// Null otherwise.</summary>
    public string? NotAReplyReason { get; init; }
}
