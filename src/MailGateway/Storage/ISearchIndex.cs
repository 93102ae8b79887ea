namespace ClpMailGateway.Storage;

/// <summary>A search term as the index looks for it: its pieces in order (a phrase), each exact or a prefix.</summary>
public sealed record SearchPhrase(IReadOnlyList<(string Text, bool Prefix)> Pieces);

/// <summary>A message found, newest first.</summary>
public readonly record struct IndexedMessage(long Id, int ChannelId, string Text);

/// <summary>
/// The provider's keyword index of messages: every term's phrase must match, in any of the channels given, newest first.
/// What a word is, how it is scoped to its channel and folded (case, diacritics), and how scripts without spaces are
/// split into pairs, is the same C# on both providers (<c>SearchTokens</c>); the provider stores and matches.
/// </summary>
public interface ISearchIndex
{
    /// <summary>The channels of a title.</summary>
    Task<List<int>> TitleChannelsAsync(int titleId, CancellationToken cancellationToken);

    /// <summary>The newest matches, at most <paramref name="limit"/>.</summary>
    Task<List<IndexedMessage>> FindAsync(IReadOnlyList<SearchPhrase> phrases, IReadOnlyCollection<int> channelIds, int limit, CancellationToken cancellationToken);

    /// <summary>How many messages match, counted up to <paramref name="cap"/>.</summary>
    Task<int> CountAsync(IReadOnlyList<SearchPhrase> phrases, IReadOnlyCollection<int> channelIds, int cap, CancellationToken cancellationToken);

    /// <summary>Keeps the index quick to search (merges its segments on SQLite; indexes any message that is missing from
    /// it on PostgreSQL).</summary>
    Task<SearchIndexUpkeep> MaintainAsync(int maxSegments, int stepPages, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISearchIndex.MaintainAsync"/> did.</summary>
public sealed record SearchIndexUpkeep(int SegmentsBefore, int SegmentsAfter, int Steps, int Indexed, TimeSpan Elapsed);
