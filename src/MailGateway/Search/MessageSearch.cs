using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;

namespace ClpMailGateway.Search;

/// <summary>
/// Keyword search over messages, newest first, within a <see cref="SearchScope"/>: the one search of the web and of
/// <c>messages --search</c>. Each word of a message is indexed scoped to its channel (<see cref="SearchTokens"/>), so a
/// search reads only the postings of its channels and its cost follows the hits shown, not the size of the conversation
/// or of the database (the provider's <see cref="ISearchIndex"/>). Counting stops at <see cref="CountCap"/>. Words match
/// with case and diacritics folded, <c>deliv*</c> as a prefix, "quoted words" as a phrase; in scripts written without
/// spaces any substring matches. The caller decides which channels the user may read.
/// </summary>
public sealed class MessageSearch(ISearchIndex index, SearchMetrics metrics, TimeProvider timeProvider)
{
    public const char HighlightStart = '\u0002';
    public const char HighlightEnd = '\u0003';

    /// <summary>Matches are counted up to this many; more shows as "200+".</summary>
    public const int CountCap = 200;

    public async Task<SearchResult> SearchAsync(SearchScope scope, SearchTerms terms, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (terms.Problem is { } problem)
        {
            throw new ArgumentException(problem, nameof(terms));
        }

        if (terms.IsEmpty || scope.IsEmpty)
        {
            return SearchResult.Empty;
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            return await FindAsync(scope, terms, limit, cancellationToken);
        }
        finally
        {
            metrics.Searched(scope.TitleId is not null, timeProvider.GetElapsedTime(started));
        }
    }

    private async Task<SearchResult> FindAsync(SearchScope scope, SearchTerms terms, int limit, CancellationToken cancellationToken)
    {
        var channels = scope.TitleId is { } titleId ? await index.TitleChannelsAsync(titleId, cancellationToken) : scope.ChannelIds;
        var pieces = terms.Items.Select(SearchTokens.QueryPieces).ToList();
        var phrases = pieces.Where(p => p.Count > 0).Select(p => new SearchPhrase(p)).ToList();
        if (phrases.Count == 0 || channels.Count == 0)
        {
            return SearchResult.Empty;
        }

        var snippets = new SearchSnippet(pieces);
        var found = await index.FindAsync(phrases, channels, limit, cancellationToken);
        var hits = found.Select(h => new SearchHit(h.Id, h.ChannelId, snippets.Make(h.Text))).ToList();
        if (hits.Count < limit)
        {
            return new SearchResult(hits, hits.Count, false);
        }

        // Counting in the same statement (matches up to the cap, messages for the first page) cost twice as much.
        var counted = await index.CountAsync(phrases, channels, CountCap + 1, cancellationToken);
        return new SearchResult(hits, Math.Min(counted, CountCap), counted > CountCap);
    }
}
