namespace ClpMailGateway.Search;

/// <summary>Where a search looks: one channel, some channels of a title, or a whole title. The caller decides, with
/// <see cref="Permissions.ChannelPolicy"/>, which channels the user may read; a search never looks outside its scope.</summary>
public sealed record SearchScope
{
    private SearchScope(int? titleId, IReadOnlyList<int> channelIds)
    {
        TitleId = titleId;
        ChannelIds = channelIds;
    }

    /// <summary>Every channel of this title (for an operator, or a user who may read them all).</summary>
    public int? TitleId { get; }

    /// <summary>These channels, when <see cref="TitleId"/> is null.</summary>
    public IReadOnlyList<int> ChannelIds { get; }

    public bool IsEmpty => TitleId is null && ChannelIds.Count == 0;

    public static SearchScope Channel(int channelId) => new(null, [channelId]);

    public static SearchScope Channels(IEnumerable<int> channelIds) => new(null, channelIds.Distinct().Order().ToList());

    public static SearchScope Title(int titleId) => new(titleId, []);
}
