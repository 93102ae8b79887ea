using System.Globalization;
using ClpMailGateway.Domain;
using Microsoft.Extensions.Localization;

namespace ClpMailGateway.Web.Layout;

/// <summary>Channel names and purposes in the reader's language ("Vendor · French (fr)", "Prestataire · allemand (de)").</summary>
public static class ChannelText
{
    public static string Name(IStringLocalizer<SharedStrings> strings, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Name(strings, channel.Kind, channel.Language);
    }

    public static string Name(IStringLocalizer<SharedStrings> strings, ChannelKind kind, string? language)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var (key, arguments) = NameEntry(kind, language);
        return arguments.Length == 0 ? strings[key] : strings[key, arguments];
    }

    /// <summary>The same name as a phrase, worded when a page renders (for a handler that holds no localizer).</summary>
    public static Phrase NamePhrase(ChannelKind kind, string? language)
    {
        var (key, arguments) = NameEntry(kind, language);
        return Phrase.Of<SharedStrings>(key, arguments);
    }

    private static (string Key, object[] Arguments) NameEntry(ChannelKind kind, string? language) => kind switch
    {
        ChannelKind.Internal => ("ChannelInternal", []),
        ChannelKind.Broadcast => ("ChannelBroadcast", []),
        _ => ("ChannelVendor", [LanguageName(language ?? string.Empty), language ?? string.Empty]),
    };

    public static string Purpose(IStringLocalizer<SharedStrings> strings, ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(strings);
        return kind switch
        {
            ChannelKind.Internal => strings["PurposeInternal"],
            ChannelKind.Broadcast => strings["PurposeBroadcast"],
            _ => strings["PurposeVendor"],
        };
    }

    /// <summary>A language's name in the reader's language.</summary>
    public static string LanguageName(string tag)
    {
        try
        {
            return CultureInfo.GetCultureInfo(tag).DisplayName;
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }
}
