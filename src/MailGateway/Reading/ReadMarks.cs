using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Reading;

/// <summary>
/// Unread markers per user and channel (<see cref="ChannelReadMark"/>): the id of the newest message the user was shown,
/// moved forward only, whoever the writer. A message is unread when its id is above the mark and someone else wrote it,
/// whether it came from the web or by mail. Plain EF queries, the same on SQLite and PostgreSQL.
/// </summary>
public static class ReadMarks
{
    /// <summary>The user has been shown the channel's messages up to <paramref name="lastShownMessageId"/>. A mark already
    /// further on (another tab, a later page) stays where it is.</summary>
    public static async Task MarkSeenAsync(GatewayDbContext db, int userId, int channelId, long lastShownMessageId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (lastShownMessageId <= 0)
        {
            return;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var moved = await db.ChannelReadMarks
                .Where(m => m.UserId == userId && m.ChannelId == channelId && m.LastSeenMessageId < lastShownMessageId)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.LastSeenMessageId, lastShownMessageId).SetProperty(m => m.UpdatedAtUtc, nowUtc), cancellationToken);
            if (moved > 0 || await db.ChannelReadMarks.AnyAsync(m => m.UserId == userId && m.ChannelId == channelId, cancellationToken))
            {
                return;
            }

            var mark = new ChannelReadMark { UserId = userId, ChannelId = channelId, LastSeenMessageId = lastShownMessageId, UpdatedAtUtc = nowUtc };
            db.ChannelReadMarks.Add(mark);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // Another request made the row first: move it forward by the update above.
                db.Entry(mark).State = EntityState.Detached;
            }
        }
    }

    /// <summary>The id of the newest message the user was shown in the channel; null when they never opened it.</summary>
    public static Task<long?> LastSeenAsync(GatewayDbContext db, int userId, int channelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.ChannelReadMarks.AsNoTracking().Where(m => m.UserId == userId && m.ChannelId == channelId)
            .Select(m => (long?)m.LastSeenMessageId).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>How many messages by others each of <paramref name="channelIds"/> has above the user's mark (every one
    /// when the user never opened the channel); channels with none are left out.</summary>
    public static async Task<IReadOnlyDictionary<int, int>> UnreadCountsAsync(
        GatewayDbContext db, int userId, IReadOnlyCollection<int> channelIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return new Dictionary<int, int>();
        }

        var ids = channelIds.ToList();
        var counts = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.ChannelId) && m.AuthorId != userId
                && m.Id > (db.ChannelReadMarks.Where(r => r.UserId == userId && r.ChannelId == m.ChannelId)
                    .Select(r => (long?)r.LastSeenMessageId).FirstOrDefault() ?? 0L))
            .GroupBy(m => m.ChannelId)
            .Select(g => new { ChannelId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.ChannelId, c => c.Count);
    }
}
