using ClpMailGateway.Domain;

namespace ClpMailGateway.Posting;

public sealed record PostRequest(
    int AuthorId,
    int ChannelId,
    string? Text,
    IReadOnlyList<NewAttachment> Attachments,
    MessageOrigin Origin,
    string? SourceMessageId = null)
{
    /// <summary>The caller joins the post to its own transaction and saves the DbContext after it (the inbound pipeline
    /// saves each threaded mail anyway): the message (unless a file of it is written into its row as it is read) and its
    /// notification rows are then added to the DbContext with their ids taken, but left for that save, so a post costs
    /// no SaveChanges of its own. Ignored when the poster opens its own transaction.</summary>
    public bool CallerSaves { get; init; }
}
