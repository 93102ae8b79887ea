namespace ClpMailGateway.Posting;

public enum PostErrorCode
{
    AuthorNotFound,
    ChannelNotFound,
    PermissionDenied,
    Empty,
    TextTooLong,
    TooManyAttachments,
    AttachmentTooLarge,
    AttachmentInvalid,
}

/// <summary>Why a post was refused, in a sentence fit to show the author. Nothing of a refused post is saved.</summary>
public sealed record PostError(PostErrorCode Code, string Message);
