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
        return kind switch
        {
            ChannelKind.Internal => strings["ChannelInternal"],
            ChannelKind.Broadcast => strings["ChannelBroadcast"],
            _ => strings["ChannelVendor", LanguageName(language ?? string.Empty), language ?? string.Empty],
        };
    }

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
