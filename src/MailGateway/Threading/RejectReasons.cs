namespace ClpMailGateway.Threading;

/// <summary>Why an inbound mail was not posted: the stable codes stored in the quarantine, each with the advice that
/// goes to the sender.</summary>
public static class RejectReasons
{
    public const string NoToken = "no_token";
    public const string MalformedToken = "malformed_token";
    public const string InvalidToken = "invalid_token";
    public const string ExpiredToken = "expired_token";
    public const string RevokedToken = "revoked_token";
    public const string SenderMismatch = "sender_mismatch";
    public const string PermissionDenied = "permission_denied";
    public const string BroadcastReply = "broadcast_reply";
    public const string DigestReply = "digest_reply";
    public const string AttachmentTooLarge = "attachment_too_large";
    public const string EmptyReply = "empty_reply";
    public const string Encrypted = "encrypted";
    public const string Refused = "refused";
    public const string Unparseable = "unparseable";
    public const string ProcessingFailed = "processing_failed";
    public const string SenderUnauthenticated = "sender_unauthenticated";
    public const string RateLimited = "rate_limited";
    public const string DuplicatePost = "duplicate_post";
    public const string Loop = "loop";
    public const string TitleArchived = "title_archived";

    /// <summary>Reasons nobody is mailed about: telling would help a forger or feed a mail loop.</summary>
    public static bool IsSilent(string reason) => reason is SenderUnauthenticated or RateLimited or DuplicatePost or Loop;

    /// <summary>The mail could not be parsed within the gateway's time or memory limit (<c>Imap:ParseTimeout</c>,
    /// <c>Imap:ParseMemoryMegabytes</c>).</summary>
    public const string ParseLimit = "parse_limit";

    public static string Advice(string reason) => reason switch
    {
        NoToken or MalformedToken => "Reply to a notification mail from the platform (its reply address starts with reply+), or post on the web.",
        InvalidToken => "Reply to an unchanged notification mail, or post on the web. The reply address was altered or made up.",
        ExpiredToken or RevokedToken => "This reply address no longer works. Reply to a newer notification, or post on the web.",
        SenderMismatch => "Reply from the address the notification was sent to. To reply from this address too, add it in your settings on the web (Your addresses) and confirm it with the link we mail to it.",
        PermissionDenied => "Ask a project manager on the title for access, or post on the web where you have it.",
        BroadcastReply => "Vendors cannot post to Broadcast, and your reply had no language channel to go to. Turn on your languages in your settings on the web, then send it again, or post in one of the channels above.",
        DigestReply => "A digest covers several conversations, so a reply to it cannot be placed. Open the conversation with its link above and answer there, or reply to a notification mail of that conversation.",
        AttachmentTooLarge => "Send files of at most 10 MB each, or share a link to the file.",
        EmptyReply => "Write your answer above the quoted text and send it again.",
        TitleArchived => "The title is archived: its conversations are closed and nothing more is posted to them. Contact your project manager if you still need to reach someone about it.",
        Encrypted => "Send your reply again without encryption (S/MIME or PGP): the platform cannot read encrypted mail. Your signature may stay.",
        _ => "Post your message on the web, or contact your project manager.",
    };
}
