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
            return AccessDecision.Nothing("your account is deactivated");
        }

        var decision = kind switch
        {
            ChannelKind.Internal => DecideInternal(reader),
            ChannelKind.Broadcast => DecideBroadcast(reader),
            ChannelKind.Vendor => DecideVendor(reader, language ?? throw new ArgumentNullException(nameof(language), "A Vendor channel has a language.")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind."),
        };
        return reader.TitleArchived && decision.CanPost ? AccessDecision.ReadOnly(ArchivedReason) : decision;
    }

    /// <summary>Why nobody posts in an archived title's channels.</summary>
    public const string ArchivedReason = "the title is archived";

    private static AccessDecision DecideInternal(ReaderContext reader)
    {
        if (!reader.IsInternal)
        {
            return AccessDecision.Nothing("the Internal channel is for staff only");
        }

        return reader.InternalMessagesEnabled
            ? AccessDecision.ReadAndPost
            : AccessDecision.Nothing("Internal messages are turned off in your settings");
    }

    private static AccessDecision DecideBroadcast(ReaderContext reader)
    {
        if (reader.IsInternal)
        {
            return AccessDecision.ReadAndPost;
        }

        return reader.VendorLanguagesOnTitle.Count > 0
            ? AccessDecision.ReadOnly("only staff post to the Broadcast channel; reply in your language's channel")
            : AccessDecision.Nothing("your vendor is not assigned any language on this title");
    }

    private static AccessDecision DecideVendor(ReaderContext reader, string language)
    {
        if (reader.IsInternal)
        {
            return AccessDecision.ReadAndPost;
        }

        if (!reader.VendorLanguagesOnTitle.Contains(language))
        {
            return AccessDecision.Nothing($"your vendor is not assigned {language} on this title");
        }

        return reader.EnabledLanguages.Contains(language)
            ? AccessDecision.ReadAndPost
            : AccessDecision.Nothing($"{language} is not among the languages enabled in your settings");
    }
}
