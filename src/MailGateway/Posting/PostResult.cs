using ClpMailGateway.Domain;

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
    /// in words (mentions turned off, the address paused after bounces, the channel muted, ...).</summary>
    public IReadOnlyList<UnmailedMention> MentionsWithoutMail { get; init; } = [];

    public bool Succeeded => Message is not null;

    public static PostResult Failed(PostErrorCode code, string message) => new(null, new PostError(code, message), [], [], []);

    /// <summary>One line per mention the author should know about, for the web's notice and <c>post</c>'s warnings.</summary>
    public IReadOnlyList<string> MentionWarnings() =>
        UnknownMentions.Select(m => $"{m} matches no user; nobody was notified for it.")
            .Concat(MentionsWithoutAccess.Select(u => $"@{u.Handle} ({u.Name}) cannot read this channel, so the mention notifies nobody."))
            .Concat(MentionsWithoutMail.Select(m => $"@{m.User.Handle} ({m.User.Name}) will not get a mail about it: {m.Reason}."))
            .ToList();
}

/// <summary>A mentioned user who will not be mailed, and why.</summary>
public sealed record UnmailedMention(User User, string Reason);
