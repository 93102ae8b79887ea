namespace ClpMailGateway.Domain;

/// <summary>No follower mail from one channel for one user (one-click unsubscribe from a notification, or a choice in the
/// web). A mention still reaches the user unless mentions are off.</summary>
public sealed class ChannelMute
{
    public int UserId { get; set; }
    public int ChannelId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
