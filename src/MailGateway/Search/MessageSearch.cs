using System.Globalization;
using System.Text;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Search;

/// <summary>
/// Keyword search over messages (SQLite FTS5), newest first, within a <see cref="SearchScope"/>: the one search of the web
/// and of <c>messages --search</c>. The scope is part of the index (see the SearchScope migration), so FTS5 intersects
/// the scope's doclist with the terms' and streams matches newest first (<c>ORDER BY rowid DESC LIMIT n</c>): the cost
/// follows the number of hits shown, not the number of matches. Counting stops at <see cref="CountCap"/>.
/// Words go to the word index (<c>MessageSearch</c>, unicode61, diacritics folded, prefix and phrase queries). A query
/// holding Japanese, Chinese, Korean, Thai (scripts without spaces) goes to the trigram index (<c>MessageTrigram</c>),
/// which finds any substring of three or more characters; shorter terms there are matched with LIKE on the scope's
/// messages in those scripts. The caller decides which channels the user may read.
/// </summary>
public sealed class MessageSearch(GatewayDbContext db)
{
    public const char HighlightStart = '\u0002';
    public const char HighlightEnd = '\u0003';

    /// <summary>Matches are counted up to this many; more shows as "200+". Counting costs in proportion to the matches
    /// counted (a common word in a small channel: every message of the channel), so the cap bounds it.</summary>
    public const int CountCap = 200;

    private const int SnippetChars = 160;

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

        var query = terms.HasCjk ? TrigramQuery(scope, terms) : WordQuery(scope, terms);
        var hits = await db.Database.SqlQueryRaw<SearchHit>(query.Hits, [.. query.Parameters(limit)]).ToListAsync(cancellationToken);
        if (query.ShortTerms.Count > 0)
        {
            hits = hits.Select(h => h with { Snippet = TextMarks.Mark(query.Indexed ? h.Snippet : Window(h.Snippet, query.ShortTerms), query.ShortTerms) })
                .ToList();
        }

        if (hits.Count < limit)
        {
            return new SearchResult(hits, hits.Count, false);
        }

        var count = await db.Database.SqlQueryRaw<int>(query.Count, [.. query.Parameters(CountCap + 1)]).SingleAsync(cancellationToken);
        return new SearchResult(hits, Math.Min(count, CountCap), count > CountCap);
    }

    /// <summary>The SQL of a search (hits and capped count, both with <c>$limit</c>) and its parameters; public so the
    /// load harness can show the query plans.</summary>
    public static (string Hits, string Count) Sql(SearchScope scope, SearchTerms terms)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(terms);
        var query = terms.HasCjk ? TrigramQuery(scope, terms) : WordQuery(scope, terms);
        return (query.Hits, query.Count);
    }

    private static Query WordQuery(SearchScope scope, SearchTerms terms)
    {
        var match = scope.WordFilter() + " AND Text : (" + FtsQuery.Phrases(terms.Items) + ")";
        const string hits = """
            SELECT h.Id AS Id, m.ChannelId AS ChannelId, h.Snippet AS Snippet
            FROM (SELECT rowid AS Id, snippet(MessageSearch, 0, char(2), char(3), '…', 24) AS Snippet
                  FROM MessageSearch WHERE MessageSearch MATCH $match ORDER BY rowid DESC LIMIT $limit) AS h
            JOIN Messages AS m ON m.Id = h.Id
            ORDER BY h.Id DESC
            """;
        const string count = """
            SELECT count(*) AS Value FROM (SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH $match ORDER BY rowid DESC LIMIT $limit)
            """;
        return new Query(hits, count, match, [], Indexed: true);
    }

    private static Query TrigramQuery(SearchScope scope, SearchTerms terms)
    {
        var indexed = terms.Items.Where(t => CodePoints(t.Text) >= 3).ToList();
        var shortTerms = terms.Items.Where(t => CodePoints(t.Text) < 3).Select(t => t.Text).ToList();
        var match = scope.TrigramFilter() + (indexed.Count > 0 ? " AND Text : (" + FtsQuery.Phrases(indexed, allowPrefix: false) + ")" : string.Empty);
        var likes = new StringBuilder();
        for (var i = 0; i < shortTerms.Count; i++)
        {
            likes.Append(CultureInfo.InvariantCulture, $" AND m.Text LIKE $like{i} ESCAPE '\\'");
        }

        // Without an indexed term nothing is marked by FTS5: take the text and cut a window around the match here.
        var snippet = indexed.Count > 0 ? "snippet(MessageTrigram, 0, char(2), char(3), '…', 48)" : "m.Text";
        var hits = $"""
            SELECT MessageTrigram.rowid AS Id, m.ChannelId AS ChannelId, {snippet} AS Snippet
            FROM MessageTrigram JOIN Messages AS m ON m.Id = MessageTrigram.rowid
            WHERE MessageTrigram MATCH $match{likes}
            ORDER BY MessageTrigram.rowid DESC
            LIMIT $limit
            """;
        var count = $"""
            SELECT count(*) AS Value FROM (
                SELECT MessageTrigram.rowid FROM MessageTrigram JOIN Messages AS m ON m.Id = MessageTrigram.rowid
                WHERE MessageTrigram MATCH $match{likes}
                ORDER BY MessageTrigram.rowid DESC
                LIMIT $limit)
            """;
        return new Query(hits, count, match, shortTerms, Indexed: indexed.Count > 0);
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

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private sealed record Query(string Hits, string Count, string Match, IReadOnlyList<string> ShortTerms, bool Indexed)
    {
        public List<SqliteParameter> Parameters(int limit)
        {
            var parameters = new List<SqliteParameter> { new("$match", Match), new("$limit", limit) };
            for (var i = 0; i < ShortTerms.Count; i++)
            {
                parameters.Add(new SqliteParameter($"$like{i}", "%" + EscapeLike(ShortTerms[i]) + "%"));
            }

            return parameters;
        }
    }
}
