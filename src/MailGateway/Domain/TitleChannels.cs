namespace ClpMailGateway.Domain;

public static class TitleChannels
{
    /// <summary>Adds the channels a title must have and does not yet: Internal, Broadcast, and one Vendor channel per language.</summary>
    public static void EnsureChannels(Title title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var wanted = new List<(ChannelKind Kind, string? Language)> { (ChannelKind.Internal, null), (ChannelKind.Broadcast, null) };
        wanted.AddRange(title.Languages.Select(l => (ChannelKind.Vendor, (string?)l.Language)));
        foreach (var (kind, language) in wanted)
        {
            var key = ChannelKey.For(kind, language);
            if (title.Channels.All(c => c.Key != key))
            {
                title.Channels.Add(new Channel { Kind = kind, Language = language, Key = key });
            }
        }
    }
}
