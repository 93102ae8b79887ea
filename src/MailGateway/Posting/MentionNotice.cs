namespace ClpMailGateway.Posting;

/// <summary>What the author of a stored post should know about one of its mentions. Each value documents the
/// <see cref="MentionNotice.Arguments"/> it comes with, in order.</summary>
public enum MentionNoticeCode
{
    /// <summary>Arguments: the mention as written (with its @).</summary>
    UnknownMention,

    /// <summary>Arguments: the handle (with its @), the user's name.</summary>
    CannotRead,

    /// <summary>Arguments: the handle (with its @), the user's name, the reason (<see cref="Outbound.UnmailedReason"/>).</summary>
    NoMail,
}

/// <summary>A notice about a mention: its code and arguments for a page in the reader's language, and the English
/// sentence for the CLI and logs.</summary>
public sealed record MentionNotice(MentionNoticeCode Code, string Message, IReadOnlyList<object> Arguments);
