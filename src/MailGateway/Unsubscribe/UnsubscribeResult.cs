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

/// <summary>What <see cref="UnsubscribeService"/> did, and what it was about.</summary>
/// <param name="Subject">What the target covers, as facts a page puts in the reader's language; null for an invalid token
/// or a target that no longer exists.</param>
public sealed record UnsubscribeResult(UnsubscribeOutcome Outcome, UnsubscribeTarget Target, UnsubscribeSubject? Subject)
{
    public bool IsValid => Outcome is UnsubscribeOutcome.Changed or UnsubscribeOutcome.Unchanged;

    /// <summary>What the target covers in English, for logs and the mailto unsubscribe's trace, e.g. "Blue Harbor S2 ·
    /// Vendor · French (fr)" or "Broadcast channels of every title"; empty without a subject.</summary>
    public string Description => Subject?.English ?? string.Empty;

    public static UnsubscribeResult Invalid { get; } = new(UnsubscribeOutcome.InvalidToken, default, null);
}

/// <summary>What an unsubscribe target covers: its scope, and the title and channel it names (channel scope: all three;
/// title scope: the title; kind scope: the kind).</summary>
public sealed record UnsubscribeSubject(UnsubscribeScope Scope, string? TitleName, Domain.ChannelKind? Kind, string? ChannelLanguage, string? ChannelName)
{
    public string English => Scope switch
    {
        UnsubscribeScope.Channel => $"{TitleName} · {ChannelName}",
        UnsubscribeScope.Title => $"every channel of {TitleName}",
        UnsubscribeScope.Kind => $"{UnsubscribeService.KindPlural(Kind ?? Domain.ChannelKind.Vendor)} of every title",
        UnsubscribeScope.Digest => "digests",
        _ => "all mail about messages, mentions included",
    };
}
