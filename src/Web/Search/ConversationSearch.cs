using System.Globalization;
using System.Text;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Search;

/// <summary>
/// Keyword search within one conversation, ranked by bm25. Text with spaces between words goes to the word index
/// (<c>MessageSearch</c>, unicode61, diacritics folded, prefix and phrase queries). A query holding Japanese, Chinese
/// or Korean goes to the trigram index (<c>MessageTrigram</c>), which finds any substring of three or more characters;
/// one- and two-character terms there are matched with LIKE within the channel. The caller has already decided the user
/// may read the channel; nothing outside it is searched.
/// </summary>
internal sealed class ConversationSearch(GatewayDbContext db, MessageSearch wordSearch, ILogger<ConversationSearch> logger)
{
    private const int SnippetChars = 160;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(int channelId, SearchTerms terms, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.IsEmpty)
        {
            return [];
        }

        try
        {
            if (!terms.HasCjk)
            {
                var match = string.Join(' ', terms.Items.Select(t => Quote(t.Text) + (t.IsPrefix ? "*" : string.Empty)));
                return await wordSearch.SearchChannelAsync(channelId, match, limit, cancellationToken);
            }

            return await SearchTrigramAsync(channelId, terms, limit, cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // A query FTS5 refuses (every term is quoted, so this should not happen): the user sees "no results", the log the cause.
            logger.LogWarning(ex, "Search in channel {ChannelId} refused by SQLite", channelId);
            return [];
        }
    }

    private async Task<IReadOnlyList<SearchHit>> SearchTrigramAsync(int channelId, SearchTerms terms, int limit, CancellationToken cancellationToken)
    {
        var indexed = terms.Items.Where(t => CodePoints(t.Text) >= 3).Select(t => t.Text).ToList();
        var shortTerms = terms.Items.Where(t => CodePoints(t.Text) < 3).Select(t => t.Text).ToList();
        var parameters = new List<SqliteParameter> { new("$channel", channelId), new("$limit", limit) };
        var likes = new StringBuilder();
        for (var i = 0; i < shortTerms.Count; i++)
        {
            parameters.Add(new SqliteParameter($"$like{i}", "%" + EscapeLike(shortTerms[i]) + "%"));
            likes.Append(CultureInfo.InvariantCulture, $" AND Messages.Text LIKE $like{i} ESCAPE '\\'");
        }

        List<SearchHit> hits;
        if (indexed.Count > 0)
        {
            parameters.Add(new SqliteParameter("$match", string.Join(' ', indexed.Select(Quote))));
            var sql = $"""
                SELECT MessageTrigram.rowid AS Id,
                       snippet(MessageTrigram, 0, char(2), char(3), '…', 48) AS Snippet,
                       bm25(MessageTrigram) AS Rank
                FROM MessageTrigram
                JOIN Messages ON Messages.Id = MessageTrigram.rowid
                WHERE MessageTrigram MATCH $match AND Messages.ChannelId = $channel{likes}
                ORDER BY Rank
                LIMIT $limit
                """;
            hits = await db.Database.SqlQueryRaw<SearchHit>(sql, [.. parameters]).ToListAsync(cancellationToken);
        }
        else
        {
            // Only one- or two-character terms: no index can hold them; scan this channel, newest first.
            var sql = $"""
                SELECT Messages.Id AS Id, Messages.Text AS Snippet, 0.0 AS Rank
                FROM Messages
                WHERE Messages.ChannelId = $channel{likes}
                ORDER BY Messages.CreatedAtUtc DESC, Messages.Id DESC
                LIMIT $limit
                """;
            hits = await db.Database.SqlQueryRaw<SearchHit>(sql, [.. parameters]).ToListAsync(cancellationToken);
            hits = hits.Select(h => h with { Snippet = Window(h.Snippet, shortTerms) }).ToList();
        }

        return shortTerms.Count == 0 ? hits : hits.Select(h => h with { Snippet = Highlighter.Mark(h.Snippet, shortTerms) }).ToList();
    }

    /// <summary>About <see cref="SnippetChars"/> characters of the text around the first match.</summary>
    private static string Window(string text, IReadOnlyList<string> terms)
    {
        if (text.Length <= SnippetChars)
        {
            return text;
        }

        var first = terms.Select(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - (SnippetChars / 3));
        var end = Math.Min(text.Length, start + SnippetChars);
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }

        return (start > 0 ? "…" : string.Empty) + text[start..end] + (end < text.Length ? "…" : string.Empty);
    }

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
