namespace ClpMailGateway.Domain;

/// <summary>The newest message of a channel a user has seen: a message id (a high-water mark), not a time, so a message
/// stamped by a process whose clock is behind is still counted unread.</summary>
public sealed class ChannelReadMark
{
    public int UserId { get; set; }
    public int ChannelId { get; set; }
    public long LastSeenMessageId { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}
