namespace ClpMailGateway.Domain;

public sealed class Message
{
    public long Id { get; set; }
    public int ChannelId { get; set; }
    public Channel? Channel { get; set; }
    public int AuthorId { get; set; }
    public User? Author { get; set; }
    public required string Text { get; set; }
    public MessageOrigin Origin { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The Message-ID of the mail this message came from, when it came by mail.</summary>
    public string? SourceMessageId { get; set; }

    public List<Attachment> Attachments { get; } = [];
    public List<Mention> Mentions { get; } = [];
}
