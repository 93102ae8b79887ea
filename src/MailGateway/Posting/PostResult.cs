using ClpMailGateway.Domain;

namespace ClpMailGateway.Posting;

/// <summary>The outcome of a post: the stored message, or the error that refused it. Mentions that named nobody,
/// or somebody who may not read the channel, are reported so the author can be told; they never widen the audience.</summary>
public sealed record PostResult(
    Message? Message,
    PostError? Error,
    IReadOnlyList<User> MentionedUsers,
    IReadOnlyList<string> UnknownMentions,
    IReadOnlyList<User> MentionsWithoutAccess)
{
    public bool Succeeded => Message is not null;

    public static PostResult Failed(PostErrorCode code, string message) => new(null, new PostError(code, message), [], [], []);
}
