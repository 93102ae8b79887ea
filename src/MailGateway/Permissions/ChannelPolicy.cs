using ClpMailGateway.Domain;

namespace ClpMailGateway.Permissions;

/// <summary>
/// The one place that decides who may read and post in a channel. Used by the web, the commands, the outbound
/// recipient resolution and again when a reply arrives by mail (access may have been removed since).
/// </summary>
public static class ChannelPolicy
{
    public static AccessDecision Decide(ReaderContext reader, ChannelKind kind, string? language)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.IsActive)
        {
            return AccessDecision.Nothing(new(AccessReason.Deactivated));
        }

        var decision = kind switch
        {
            ChannelKind.Internal => DecideInternal(reader),
            ChannelKind.Broadcast => DecideBroadcast(reader),
            ChannelKind.Vendor => DecideVendor(reader, language ?? throw new ArgumentNullException(nameof(language), "A Vendor channel has a language.")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind."),
        };
        return reader.TitleArchived && decision.CanPost ? AccessDecision.ReadOnly(new(AccessReason.TitleArchived)) : decision;
    }

    private static AccessDecision DecideInternal(ReaderContext reader)
    {
        if (!reader.IsInternal)
        {
            return AccessDecision.Nothing(new(AccessReason.InternalStaffOnly));
        }

        return reader.InternalMessagesEnabled
            ? AccessDecision.ReadAndPost
            : AccessDecision.Nothing(new(AccessReason.InternalOff));
    }

    private static AccessDecision DecideBroadcast(ReaderContext reader)
    {
        if (reader.IsInternal)
        {
            return AccessDecision.ReadAndPost;
        }

        return reader.VendorLanguagesOnTitle.Count > 0
            ? AccessDecision.ReadOnly(new(AccessReason.BroadcastStaffOnly))
            : AccessDecision.Nothing(new(AccessReason.NoLanguageOnTitle));
    }

    private static AccessDecision DecideVendor(ReaderContext reader, string language)
    {
        if (reader.IsInternal)
        {
            return AccessDecision.ReadAndPost;
        }

        if (!reader.VendorLanguagesOnTitle.Contains(language))
        {
            return AccessDecision.Nothing(new(AccessReason.LanguageNotAssigned, language));
        }

        return reader.EnabledLanguages.Contains(language)
            ? AccessDecision.ReadAndPost
            : AccessDecision.Nothing(new(AccessReason.LanguageNotEnabled, language));
    }
}
