namespace ClpMailGateway.Following;

/// <summary>What a user asks of a title or a channel on its page.</summary>
public enum FollowChoice
{
    Follow,
    Unfollow,
    Mute,
    Unmute,
}
