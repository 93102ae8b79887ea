using ClpMailGateway.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Search;

/// <summary>
/// Keeps the search index quick (<see cref="ISearchIndex.MaintainAsync"/>): on SQLite every commit that adds messages adds
/// a small FTS5 segment and a search looks each term up in every segment, so past <see cref="SearchIndexOptions.MaxSegments"/>
/// the index is merged back into one, in steps of <see cref="SearchIndexOptions.StepPages"/> pages, each its own
/// transaction; on PostgreSQL any message missing from the index (a crash between a post's commit and its indexing) is
/// indexed.
/// </summary>
public sealed class SearchIndexMaintenance(ISearchIndex index, IOptions<SearchIndexOptions> options, ILogger<SearchIndexMaintenance> logger)
{
    public async Task<SearchIndexUpkeep> RunAsync(CancellationToken cancellationToken)
    {
        var result = await index.MaintainAsync(options.Value.MaxSegments, options.Value.StepPages, cancellationToken);
        if (result.Steps > 0 || result.Indexed > 0)
        {
            logger.LogInformation(
                "Search index: merged from {Before} segments to {After} in {Steps} steps, {Indexed} messages indexed ({Seconds:0.0} s)",
                result.SegmentsBefore, result.SegmentsAfter, result.Steps, result.Indexed, result.Elapsed.TotalSeconds);
        }

        return result;
    }
}
