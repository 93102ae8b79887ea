using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClpMailGateway.Search;
using Microsoft.Data.Sqlite;

namespace ClpMailGateway.Storage.Sqlite;

/// <summary>
/// The search index on SQLite: FTS5's contentless <c>MessageWords</c> (see the ScopedWordIndex migration), filled by
/// triggers that call <see cref="FunctionName"/> (<see cref="SearchTokens.Index"/>) for each message, under the rowid
/// <c>-Id</c>: a search reads only the postings of its channels, in ascending rowid order, which is newest first, and
/// FTS5 stops after the hits it was asked for. FTS5's unicode61 tokenizer (categories <c>L* N* Co M*</c>, the token
/// characters of <see cref="SearchTokens"/>) folds case and diacritics of index and query alike.
/// </summary>
public sealed class SqliteSearchIndex(GatewayConnectionString database) : ISearchIndex
{
    /// <summary>The SQL function the search triggers call: <c>clp_search_words(Text, ChannelId)</c>.</summary>
    public const string FunctionName = "clp_search_words";

    /// <summary>The newest matches (rowid is <c>-Id</c>), at most <c>@limit</c>, with their message.</summary>
    public const string HitsSql = """
        SELECT m.Id, m.ChannelId, m.Text
        FROM (SELECT rowid AS r FROM MessageWords WHERE MessageWords MATCH @match ORDER BY rowid LIMIT @limit) AS h
        JOIN Messages AS m ON m.Id = -h.r
        ORDER BY h.r
        """;

    /// <summary>How many messages match, up to <c>@limit</c>.</summary>
    public const string CountSql = "SELECT count(*) FROM (SELECT rowid FROM MessageWords WHERE MessageWords MATCH @match ORDER BY rowid LIMIT @limit)";

    /// <summary>Registers <see cref="FunctionName"/> on a connection; every connection that writes messages needs it
    /// (the gateway's contexts get it from <see cref="GatewayConnectionInterceptor"/>).</summary>
    public static void RegisterFunction(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.CreateFunction<string?, long, string>(FunctionName, (text, channelId) => SearchTokens.Index(text, checked((int)channelId)), isDeterministic: true);
    }

    /// <summary>The FTS5 MATCH expression for the phrases in any of <paramref name="channelIds"/>: for each channel, every
    /// term as a phrase of its scoped pieces (all terms must match), and the channels ORed. Every piece is a quoted
    /// string, so nothing typed is read as FTS5 syntax. Null when no term has a piece to look for.</summary>
    public static string? Match(IReadOnlyList<SearchPhrase> termPhrases, IReadOnlyCollection<int> channelIds)
    {
        ArgumentNullException.ThrowIfNull(termPhrases);
        ArgumentNullException.ThrowIfNull(channelIds);
        var phrases = termPhrases.Where(p => p.Pieces.Count > 0).ToList();
        if (phrases.Count == 0 || channelIds.Count == 0)
        {
            return null;
        }

        var match = new StringBuilder();
        foreach (var channelId in channelIds)
        {
            var scope = SearchTokens.Scope(channelId);
            match.Append(match.Length == 0 ? "(" : " OR (");
            for (var p = 0; p < phrases.Count; p++)
            {
                match.Append(p == 0 ? string.Empty : " AND ");
                for (var i = 0; i < phrases[p].Pieces.Count; i++)
                {
                    var (text, prefix) = phrases[p].Pieces[i];
                    match.Append(i == 0 ? string.Empty : " + ").Append(Quote(scope + text)).Append(prefix ? " *" : string.Empty);
                }
            }

            match.Append(')');
        }

        return match.ToString();
    }

    public async Task<List<int>> TitleChannelsAsync(int titleId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM Channels WHERE TitleId = @title";
        command.Parameters.AddWithValue("@title", titleId);
        var channels = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            channels.Add(reader.GetInt32(0));
        }

        return channels;
    }

    public async Task<List<IndexedMessage>> FindAsync(IReadOnlyList<SearchPhrase> phrases, IReadOnlyCollection<int> channelIds, int limit, CancellationToken cancellationToken)
    {
        var hits = new List<IndexedMessage>();
        if (Match(phrases, channelIds) is not { } match)
        {
            return hits;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, HitsSql, match, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new IndexedMessage(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return hits;
    }

    public async Task<int> CountAsync(IReadOnlyList<SearchPhrase> phrases, IReadOnlyCollection<int> channelIds, int cap, CancellationToken cancellationToken)
    {
        if (Match(phrases, channelIds) is not { } match)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var count = Command(connection, CountSql, match, cap);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Merges the index back into one segment when it has more than <paramref name="maxSegments"/>. Every commit
    /// that adds messages adds a small FTS5 segment, and FTS5's automerge keeps up to three per level, so after many
    /// single posts a search looks each term up in many segments. Merged in steps of <paramref name="stepPages"/> pages
    /// (FTS5 <c>'merge'</c> with a negative count, each step its own transaction), so it never holds the write lock long.</summary>
    public async Task<SearchIndexUpkeep> MaintainAsync(int maxSegments, int stepPages, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await OpenAsync(cancellationToken);
        var before = await SegmentsAsync(connection, cancellationToken);
        if (before <= maxSegments)
        {
            return new SearchIndexUpkeep(before, before, 0, 0, clock.Elapsed);
        }

        var steps = 0;
        var changes = await ScalarAsync(connection, "SELECT total_changes()", cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            await ScalarAsync(connection, string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO MessageWords(MessageWords, rank) VALUES ('merge', {-stepPages})"), cancellationToken);
            steps++;

            // A step that merged nothing changes at most the structure record: the index is one segment again.
            var previous = changes;
            changes = await ScalarAsync(connection, "SELECT total_changes()", cancellationToken);
            if (changes - previous < 2)
            {
                break;
            }
        }

        return new SearchIndexUpkeep(before, await SegmentsAsync(connection, cancellationToken), steps, 0, clock.Elapsed);
    }

    /// <summary>The index's segments, from its b-tree index table (<c>MessageWords_idx</c>: a row per leaf page, with
    /// its segment).</summary>
    public static async Task<int> SegmentsAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        (int)await ScalarAsync(connection, "SELECT count(DISTINCT segid) FROM MessageWords_idx", cancellationToken);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(database.Value);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string match, int limit)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@match", match);
        command.Parameters.AddWithValue("@limit", limit);
        return command;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
    }

    /// <summary>An FTS5 string: in double quotes, a double quote doubled, so it is never read as syntax.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
