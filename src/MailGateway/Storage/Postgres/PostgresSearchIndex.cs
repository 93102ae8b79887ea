using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClpMailGateway.Search;
using Npgsql;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// The search index on PostgreSQL: a <c>tsvector</c> per message in <c>MessageWords</c> (GIN index), written by the
/// gateway in the transaction that inserts the message. Its lexemes are <see cref="SearchTokens"/>' channel-scoped pieces,
/// folded here as SQLite's unicode61 tokenizer folds them (lower case; diacritics of Latin letters removed), each at its
/// position, so a phrase is lexemes at consecutive positions (<c>&lt;-&gt;</c>) and a prefix is <c>:*</c>. Nothing is
/// parsed by PostgreSQL's text search configurations: the lexemes go in as written.
/// </summary>
public sealed class PostgresSearchIndex(GatewayConnectionString database) : ISearchIndex
{
    /// <summary>tsvector positions end here (later words share it: a phrase beyond it may match loosely).</summary>
    private const int MaxPosition = 16383;

    /// <summary>Longest lexeme kept, in characters (PostgreSQL refuses lexemes of 2 KB); a query is far shorter.</summary>
    private const int MaxLexeme = 500;

    /// <summary>Writes the words of these messages (replacing what was indexed of them), in the context's transaction.</summary>
    public static async Task IndexAsync(GatewayDbContext db, IReadOnlyList<(long Id, int ChannelId, string Text)> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand();
        command.CommandText = """
            INSERT INTO "MessageWords" ("MessageId", "Words") SELECT * FROM unnest(@ids, @words::tsvector[])
            ON CONFLICT ("MessageId") DO UPDATE SET "Words" = excluded."Words"
            """;
        command.Add("ids", messages.Select(m => m.Id).ToArray());
        command.Add("words", messages.Select(m => Vector(m.Text, m.ChannelId)).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The tsvector literal of a message's text in its channel.</summary>
    public static string Vector(string? text, int channelId)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var scope = SearchTokens.Scope(channelId);
        var result = new StringBuilder(text.Length * 2);
        var position = 0;
        foreach (var piece in SearchTokens.Pieces(text, query: false))
        {
            position = Math.Min(position + 1, MaxPosition);
            var lexeme = Fold(string.Concat(scope, text.AsSpan(piece.Start, Math.Min(piece.Length, MaxLexeme))));
            Quote(result, lexeme).Append(':').Append(position.ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        return result.ToString();
    }

    /// <summary>The tsquery of the phrases in any of the channels: per channel every phrase (AND), the channels ORed.</summary>
    public static string? Query(IReadOnlyList<SearchPhrase> termPhrases, IReadOnlyCollection<int> channelIds)
    {
        ArgumentNullException.ThrowIfNull(termPhrases);
        ArgumentNullException.ThrowIfNull(channelIds);
        var phrases = termPhrases.Where(p => p.Pieces.Count > 0).ToList();
        if (phrases.Count == 0 || channelIds.Count == 0)
        {
            return null;
        }

        var query = new StringBuilder();
        foreach (var channelId in channelIds)
        {
            var scope = SearchTokens.Scope(channelId);
            query.Append(query.Length == 0 ? "(" : " | (");
            for (var p = 0; p < phrases.Count; p++)
            {
                query.Append(p == 0 ? string.Empty : " & ").Append('(');
                for (var i = 0; i < phrases[p].Pieces.Count; i++)
                {
                    var (text, prefix) = phrases[p].Pieces[i];
                    Quote(query.Append(i == 0 ? string.Empty : " <-> "), Fold(scope + text)).Append(prefix ? ":*" : string.Empty);
                }

                query.Append(')');
            }

            query.Append(')');
        }

        return query.ToString();
    }

    /// <summary>Case and diacritics folded as FTS5's <c>unicode61 remove_diacritics 2</c> folds them: lower case, and
    /// combining diacritics removed from Latin letters.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        if (Ascii.IsValid(lower))
        {
            return lower;
        }

        var decomposed = lower.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var latinBase = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                if (latinBase && c is >= '\u0300' and <= '\u036F')
                {
                    continue;
                }
            }
            else
            {
                latinBase = c < '\u0250' || c is >= '\u1E00' and <= '\u1EFF';
            }

            folded.Append(c);
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    public async Task<List<int>> TitleChannelsAsync(int titleId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "Id" FROM "Channels" WHERE "TitleId" = @title""", connection);
        command.Parameters.AddWithValue("title", titleId);
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
        if (Query(phrases, channelIds) is not { } query)
        {
            return hits;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT m."Id", m."ChannelId", m."Text"
            FROM "MessageWords" AS w JOIN "Messages" AS m ON m."Id" = w."MessageId"
            WHERE w."Words" @@ @query::tsquery
            ORDER BY w."MessageId" DESC LIMIT @limit
            """,
            connection);
        command.Parameters.AddWithValue("query", query);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new IndexedMessage(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return hits;
    }

    public async Task<int> CountAsync(IReadOnlyList<SearchPhrase> phrases, IReadOnlyCollection<int> channelIds, int cap, CancellationToken cancellationToken)
    {
        if (Query(phrases, channelIds) is not { } query)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT count(*) FROM (SELECT 1 FROM "MessageWords" WHERE "Words" @@ @query::tsquery LIMIT @cap) AS found""", connection);
        command.Parameters.AddWithValue("query", query);
        command.Parameters.AddWithValue("cap", cap);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Indexes every message missing from the index (a message inserted by a statement that did not index it),
    /// a thousand at a time; the index has no segments to merge.</summary>
    public async Task<SearchIndexUpkeep> MaintainAsync(int maxSegments, int stepPages, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var indexed = 0;
        await using var connection = await OpenAsync(cancellationToken);
        while (true)
        {
            var missing = new List<(long Id, int ChannelId, string Text)>();
            await using (var find = new NpgsqlCommand(
                """
                SELECT m."Id", m."ChannelId", m."Text" FROM "Messages" AS m
                WHERE NOT EXISTS (SELECT 1 FROM "MessageWords" AS w WHERE w."MessageId" = m."Id") LIMIT 1000
                """,
                connection))
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    missing.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
                }
            }

            if (missing.Count == 0)
            {
                return new SearchIndexUpkeep(0, 0, 0, indexed, clock.Elapsed);
            }

            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO "MessageWords" ("MessageId", "Words") SELECT * FROM unnest(@ids, @words::tsvector[])
                ON CONFLICT ("MessageId") DO NOTHING
                """,
                connection);
            insert.Parameters.AddWithValue("ids", missing.Select(m => m.Id).ToArray());
            insert.Parameters.AddWithValue("words", missing.Select(m => Vector(m.Text, m.ChannelId)).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
            indexed += missing.Count;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(database.Value);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>A lexeme in single quotes, a quote doubled and a backslash escaped, so nothing typed is read as syntax.</summary>
    private static StringBuilder Quote(StringBuilder into, string lexeme) =>
        into.Append('\'').Append(lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)).Append('\'');
}
