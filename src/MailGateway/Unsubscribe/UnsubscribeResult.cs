using ClpMailGateway.Domain;

namespace ClpMailGateway.Unsubscribe;

public enum UnsubscribeOutcome
{
    /// <summary>Delivery for the kind was on and is now Off.</summary>
    TurnedOff = 1,

    /// <summary>It was already Off: nothing changed (a second click, or a mail client's pre-fetch).</summary>
    AlreadyOff = 2,

    /// <summary>The token is not one we made, or its key was rotated out.</summary>
    InvalidToken = 3,

    /// <summary>The token is genuine but its user no longer exists.</summary>
    UnknownUser = 4,
}

/// <summary>What <see cref="UnsubscribeService.ApplyAsync"/> did, for the page the web shows.</summary>
public sealed record UnsubscribeResult(UnsubscribeOutcome Outcome, int UserId, ChannelKind Kind)
{
    public bool IsValid => Outcome is UnsubscribeOutcome.TurnedOff or UnsubscribeOutcome.AlreadyOff;
}
