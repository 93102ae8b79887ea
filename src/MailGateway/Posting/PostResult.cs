using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;

namespace ClpMailGateway.Posting;

/// <summary>The outcome of a post: the stored message, or the error that refused it. Mentions that named nobody,
/// somebody who may not read the channel, or somebody who will get no mail for it are reported so the author can be
/// told; they never widen the audience.</summary>
public sealed record PostResult(
    Message? Message,
    PostError? Error,
    IReadOnlyList<User> MentionedUsers,
    IReadOnlyList<string> UnknownMentions,
    IReadOnlyList<User> MentionsWithoutAccess)
{
    /// <summary>Mentioned users who may read the channel but will not be mailed about this message, each with the reason
    /// as a code and in words (mentions turned off, the address paused after bounces, the channel muted, ...).</summary>
    public IReadOnlyList<UnmailedMention> MentionsWithoutMail { get; init; } = [];

    public bool Succeeded => Message is not null;

    public static PostResult Failed(PostErrorCode code, string message, params object[] arguments) =>
        new(null, new PostError(code, message) { Arguments = arguments }, [], [], []);

    /// <summary>One notice per mention the author should know about, as a code with its arguments (for the web) and an
    /// English sentence (for <c>post</c>'s warnings).</summary>
    public IReadOnlyList<MentionNotice> MentionNotices() =>
        UnknownMentions.Select(m => new MentionNotice(MentionNoticeCode.UnknownMention, $"{m} matches no user; nobody was notified for it.", [m]))
            .Concat(MentionsWithoutAccess.Select(u => new MentionNotice(
                MentionNoticeCode.CannotRead, $"@{u.Handle} ({u.Name}) cannot read this channel, so the mention notifies nobody.", ["@" + u.Handle, u.Name])))
            .Concat(MentionsWithoutMail.Select(m => new MentionNotice(
                MentionNoticeCode.NoMail, $"@{m.User.Handle} ({m.User.Name}) will not get a mail about it: {m.Reason}.", ["@" + m.User.Handle, m.User.Name, m.Code])))
            .ToList();

    /// <summary>One line per mention the author should know about, for <c>post</c>'s warnings.</summary>
    public IReadOnlyList<string> MentionWarnings() => MentionNotices().Select(n => n.Message).ToList();
}

/// <summary>A mentioned user who will not be mailed, and why (as a code, and in English words).</summary>
public sealed record UnmailedMention(User User, UnmailedReason Code)
{
    public string Reason => RecipientResolver.Describe(Code);
}
