using System.Globalization;

namespace ClpMailGateway.Domain;

public static class ChannelNames
{
    /// <summary>The name people see: "Internal", "Broadcast", "Vendor · French (fr)".</summary>
    public static string Display(Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Kind switch
        {
            ChannelKind.Internal => "Internal",
            ChannelKind.Broadcast => "Broadcast",
            _ => $"Vendor · {LanguageName(channel.Language!)} ({channel.Language})",
        };
    }

    public static string LanguageName(string tag)
    {
        try
        {
            return CultureInfo.GetCultureInfo(tag).EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }
}
