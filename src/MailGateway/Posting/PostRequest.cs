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
    /// saves each threaded mail anyway): the notification rows are then added to the DbContext but left for that save,
    /// one SaveChanges fewer per post. Ignored when the poster opens its own transaction.</summary>
    public bool CallerSaves { get; init; }
}
