using ClpMailGateway.Domain;

namespace ClpMailGateway.Posting;

public sealed record PostRequest(
    int AuthorId,
    int ChannelId,
    string? Text,
    IReadOnlyList<NewAttachment> Attachments,
    MessageOrigin Origin,
    string? SourceMessageId = null);
