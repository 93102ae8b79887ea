namespace ClpMailGateway.Following;

/// <summary>How a user stands towards a title and, when asked about one, a channel of it. A mute wins over a follow
/// (<see cref="Outbound.RecipientResolver"/>): <see cref="GetsFollowerMail"/> says what follows from all four.</summary>
public sealed record FollowState(bool FollowsTitle, bool MutedTitle, bool FollowsChannel, bool MutedChannel)
{
    public bool GetsFollowerMail => (FollowsTitle || FollowsChannel) && !MutedTitle && !MutedChannel;
}
