namespace ClpMailGateway.Domain;

/// <summary>Follower mail from one channel for a user who does not follow its whole title (<see cref="Follow"/>). A mute
/// of the channel or of its title still wins.</summary>
public sealed class ChannelFollow
{
    public int UserId { get; set; }
    public int ChannelId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
