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

    /// <summary>The scope as a filter on the word index's Scope column (tokens <c>c{ChannelId}</c>, <c>t{TitleId}</c>).</summary>
    internal string WordFilter() => "Scope : (" + (TitleId is { } title
        ? "t" + title.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Join(" OR ", ChannelIds.Select(id => "c" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + ")";

    /// <summary>The scope as a filter on the trigram index's ScopeMark column (see <see cref="Mark"/>).</summary>
    internal string TrigramFilter() => "ScopeMark : (" + (TitleId is { } title
        ? FtsQuery.Quote(Mark(TitleMarker, title))
        : string.Join(" OR ", ChannelIds.Select(id => FtsQuery.Quote(Mark(ChannelMarker, id))))) + ")";

    private const char ChannelMarker = '\uE000';
    private const char TitleMarker = '\uE001';

    /// <summary>An id as exactly three private-use characters (a marker and two base-4096 digits from U+E100), which
    /// the trigram tokenizer indexes as one token; the SearchScope migration's view computes the same in SQL.</summary>
    internal static string Mark(char marker, int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, 4096 * 4096);
        return string.Concat(marker, (char)(0xE100 + ((id >> 12) & 4095)), (char)(0xE100 + (id & 4095)));
    }
}
