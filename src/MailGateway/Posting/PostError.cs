namespace ClpMailGateway.Posting;

/// <summary>Why a post was refused. Each value documents the <see cref="PostError.Arguments"/> it comes with, in order,
/// so a page can say it in the reader's language.</summary>
public enum PostErrorCode
{
    /// <summary>Arguments: the author's id.</summary>
    AuthorNotFound,

    /// <summary>Arguments: the channel's id.</summary>
    ChannelNotFound,

    /// <summary>Arguments: the title's name, the channel's display name, the reason (English).</summary>
    PermissionDenied,

    /// <summary>No arguments.</summary>
    Empty,

    /// <summary>Arguments: the text's length, the limit (both int).</summary>
    TextTooLong,

    /// <summary>Arguments: the limit, the number of attachments (both int).</summary>
    TooManyAttachments,

    /// <summary>Arguments: the file name (sanitized), the limit in bytes (long).</summary>
    AttachmentTooLarge,

    /// <summary>Arguments: the file name (sanitized). The file is empty.</summary>
    AttachmentInvalid,
}

/// <summary>Why a post was refused, in an English sentence fit to show the author (logs, CLI, mails), and as a code with
/// its arguments for a page in another language. Nothing of a refused post is saved.</summary>
public sealed record PostError(PostErrorCode Code, string Message)
{
    /// <summary>The values the sentence names, in the order the code documents.</summary>
    public IReadOnlyList<object> Arguments { get; init; } = [];
}
