namespace ClpMailGateway.Permissions;

/// <summary>Whether a user may read and post in a channel, and if not, why.</summary>
public sealed record AccessDecision(bool CanRead, bool CanPost, AccessDenial? ReadDenied, AccessDenial? PostDenied)
{
    public static readonly AccessDecision ReadAndPost = new(true, true, null, null);

    /// <summary>Why the user cannot read, in English (commands, logs); a page says <see cref="ReadDenied"/> in the reader's
    /// language.</summary>
    public string? ReadDeniedReason => ReadDenied?.English;

    /// <summary>Why the user cannot post, in English.</summary>
    public string? PostDeniedReason => PostDenied?.English;

    public static AccessDecision Nothing(AccessDenial reason) => new(false, false, reason, reason);

    public static AccessDecision ReadOnly(AccessDenial postDenied) => new(true, false, null, postDenied);
}

/// <summary>Why a user is refused a channel.</summary>
public enum AccessReason
{
    Deactivated = 1,
    InternalStaffOnly = 2,
    InternalOff = 3,
    NoLanguageOnTitle = 4,
    BroadcastStaffOnly = 5,
    LanguageNotAssigned = 6,
    LanguageNotEnabled = 7,
    TitleArchived = 8,
}

/// <summary>A refusal: its reason, and the channel's language where the reason names it.</summary>
public sealed record AccessDenial(AccessReason Reason, string? Language = null)
{
    public string English => Reason switch
    {
        AccessReason.Deactivated => "your account is deactivated",
        AccessReason.InternalStaffOnly => "the Internal channel is for staff only",
        AccessReason.InternalOff => "Internal messages are turned off in your settings",
        AccessReason.NoLanguageOnTitle => "your vendor is not assigned any language on this title",
        AccessReason.BroadcastStaffOnly => "only staff post to the Broadcast channel; reply in your language's channel",
        AccessReason.LanguageNotAssigned => $"your vendor is not assigned {Language} on this title",
        AccessReason.LanguageNotEnabled => $"{Language} is not among the languages enabled in your settings",
        _ => "the title is archived",
    };
}
