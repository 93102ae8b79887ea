using System.Globalization;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;

namespace ClpMailGateway.Search;

/// <summary>
/// Keyword search over messages (SQLite FTS5), newest first, within a <see cref="SearchScope"/>: the one search of the web
/// and of <c>messages --search</c>. The index (<c>MessageWords</c>, see the ScopedWordIndex migration) holds each word of
/// a message scoped to its channel (<see cref="SearchTokens"/>), under the rowid <c>-Id</c>: a search reads only the
/// postings of its channels, in ascending rowid order, which is newest first, and FTS5 stops after the hits it was asked
/// for. So the cost follows the hits shown, not the size of the conversation or of the database. Counting stops at
/// <see cref="CountCap"/>. Words match with case and diacritics folded, <c>deliv*</c> as a prefix, "quoted words" as a
/// phrase; in scripts written without spaces any substring matches. The caller decides which channels the user may read.
/// </summary>
public sealed class MessageSearch(GatewayConnectionString database)
{
    public const char HighlightStart = '\u0002';
    public const char HighlightEnd = '\u0003';

    /// <summary>Matches are counted up to this many; more shows as "200+".</summary>
    public const int CountCap = 200;

    /// <summary>The newest matches (rowid is <c>-Id</c>), at most <c>$limit</c>, with their message.</summary>
    public const string HitsSql = """
        SELECT m.Id, m.ChannelId, m.Text
        FROM (SELECT rowid AS r FROM MessageWords WHERE MessageWords MATCH $match ORDER BY rowid LIMIT $limit) AS h
        JOIN Messages AS m ON m.Id = -h.r
        ORDER BY h.r
        """;

    /// <summary>How many messages match, up to <c>$limit</c> (asked only when the hits filled the page).</summary>
    public const string CountSql = "SELECT count(*) FROM (SELECT rowid FROM MessageWords WHERE MessageWords MATCH $match ORDER BY rowid LIMIT $limit)";

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

        await using var connection = new SqliteConnection(database.Value);
        await connection.OpenAsync(cancellationToken);
        var channels = scope.TitleId is { } titleId ? await TitleChannelsAsync(connection, titleId, cancellationToken) : scope.ChannelIds;
        var pieces = terms.Items.Select(SearchTokens.QueryPieces).ToList();
        if (SearchTokens.Match(pieces, channels) is not { } match)
        {
            return SearchResult.Empty;
        }

        var snippets = new SearchSnippet(pieces);
        var hits = new List<SearchHit>(Math.Min(limit, CountCap));
        await using (var command = Command(connection, HitsSql, match, limit))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new SearchHit(reader.GetInt64(0), reader.GetInt32(1), snippets.Make(reader.GetString(2))));
            }
        }

        if (hits.Count < limit)
        {
            return new SearchResult(hits, hits.Count, false);
        }

        // Counting in the same statement (rowids up to the cap, messages for the first page) cost twice as much.
        await using var count = Command(connection, CountSql, match, CountCap + 1);
        var counted = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new SearchResult(hits, Math.Min(counted, CountCap), counted > CountCap);
    }

    private static async Task<List<int>> TitleChannelsAsync(SqliteConnection connection, int titleId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM Channels WHERE TitleId = $title";
        command.Parameters.AddWithValue("$title", titleId);
        var channels = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            channels.Add(reader.GetInt32(0));
        }

        return channels;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string match, int limit)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$limit", limit);
        return command;
    }
}
