namespace ClpMailGateway.Permissions;

/// <summary>Whether a user may read and post in a channel, and if not, why, in words fit for that user.</summary>
public sealed record AccessDecision(bool CanRead, bool CanPost, string? ReadDeniedReason, string? PostDeniedReason)
{
    public static readonly AccessDecision ReadAndPost = new(true, true, null, null);

    public static AccessDecision Nothing(string reason) => new(false, false, reason, reason);

    public static AccessDecision ReadOnly(string postDeniedReason) => new(true, false, null, postDeniedReason);
}
