using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Search;

/// <summary>
/// Keeps the search index in few segments. Every commit that adds messages adds a small FTS5 segment, and FTS5's own
/// automerge keeps up to three per level, so after 20,000 messages posted one by one a search looks each term up in
/// ~20 segments: a search across a title (an OR over its channels) went from 0.1 to 0.5-0.8 ms of FTS5 time on
/// 1,000,000 messages. Past <see cref="SearchIndexOptions.MaxSegments"/> this merges the index back into one, in steps
/// of <see cref="SearchIndexOptions.StepPages"/> pages (FTS5 <c>'merge'</c> with a negative count, each step its own
/// transaction), so it never holds the write lock for long (~13 s in all, 41 steps, for 1,000,000 messages).
/// </summary>
public sealed class SearchIndexMaintenance(GatewayConnectionString database, IOptions<SearchIndexOptions> options, ILogger<SearchIndexMaintenance> logger)
{
    public sealed record Result(int SegmentsBefore, int SegmentsAfter, int Steps, TimeSpan Elapsed);

    public async Task<Result> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new SqliteConnection(database.Value);
        await connection.OpenAsync(cancellationToken);
        var before = await SegmentsAsync(connection, cancellationToken);
        if (before <= options.Value.MaxSegments)
        {
            return new Result(before, before, 0, clock.Elapsed);
        }

        var steps = 0;
        var changes = await ScalarAsync(connection, "SELECT total_changes()", cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            await ScalarAsync(connection, string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO MessageWords(MessageWords, rank) VALUES ('merge', {-options.Value.StepPages})"), cancellationToken);
            steps++;

            // A step that merged nothing changes at most the structure record: the index is one segment again.
            var previous = changes;
            changes = await ScalarAsync(connection, "SELECT total_changes()", cancellationToken);
            if (changes - previous < 2)
            {
                break;
            }
        }

        var after = await SegmentsAsync(connection, cancellationToken);
        logger.LogInformation("Search index merged from {Before} segments to {After} in {Steps} steps ({Seconds:0.0} s)",
            before, after, steps, clock.Elapsed.TotalSeconds);
        return new Result(before, after, steps, clock.Elapsed);
    }

    /// <summary>The index's segments, from its b-tree index table (<c>MessageWords_idx</c>: a row per leaf page, with
    /// its segment).</summary>
    public static async Task<int> SegmentsAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        (int)await ScalarAsync(connection, "SELECT count(DISTINCT segid) FROM MessageWords_idx", cancellationToken);

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
    }
}
