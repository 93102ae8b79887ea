using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Search;

/// <summary>Keyword search over one channel's messages (SQLite FTS5, bm25 ranking). The caller decides which channel
/// the user may read; this never searches more than the channel it is given.</summary>
public sealed class MessageSearch(GatewayDbContext db)
{
    public const char HighlightStart = '\u0002';
    public const char HighlightEnd = '\u0003';

    public async Task<IReadOnlyList<SearchHit>> SearchChannelAsync(int channelId, string matchExpression, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(matchExpression);
        return await db.Database.SqlQuery<SearchHit>($"""
            SELECT MessageSearch.rowid AS Id,
                   snippet(MessageSearch, 0, char(2), char(3), '…', 24) AS Snippet,
                   bm25(MessageSearch) AS Rank
            FROM MessageSearch
            JOIN Messages ON Messages.Id = MessageSearch.rowid
            WHERE MessageSearch MATCH {matchExpression} AND Messages.ChannelId = {channelId}
            ORDER BY Rank
            LIMIT {limit}
            """).ToListAsync(cancellationToken);
    }
}
