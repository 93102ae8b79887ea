namespace ClpMailGateway.Unsubscribe;

public enum UnsubscribeOutcome
{
    /// <summary>Mail for the target was on (at least in part) and is now off; or, for an undo, back on.</summary>
    Changed = 1,

    /// <summary>Nothing to change: already off (a second click, or a mail client's pre-fetch), or already back on.</summary>
    Unchanged = 2,

    /// <summary>The token is not one we made, or its key was rotated out.</summary>
    InvalidToken = 3,

    /// <summary>The token is genuine but its user, channel or title no longer exists.</summary>
    UnknownTarget = 4,
}

/// <summary>What <see cref="UnsubscribeService"/> did, and what it was about, in words for the page the web shows.</summary>
/// <param name="Description">What the target covers, e.g. "Blue Harbor S2 · Vendor · French (fr)" or "Broadcast channels
/// of every title"; empty for an invalid token.</param>
public sealed record UnsubscribeResult(UnsubscribeOutcome Outcome, UnsubscribeTarget Target, string Description)
{
    public bool IsValid => Outcome is UnsubscribeOutcome.Changed or UnsubscribeOutcome.Unchanged;

    public static UnsubscribeResult Invalid { get; } = new(UnsubscribeOutcome.InvalidToken, default, string.Empty);
}
