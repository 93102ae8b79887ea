using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Posting;

/// <summary>The cached row lookups that the poster, the threader and the notification fan-out share, one definition
/// each, so that a key of the <see cref="LookupCache"/> always holds the same shape of row (a channel with its
/// title).</summary>
public static class CachedRows
{
    public static Task<Channel?> ChannelAsync(GatewayDbContext db, LookupCache cache, int channelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetAsync(
            "channel",
            channelId,
            () => db.Channels.AsNoTracking().Include(c => c.Title).SingleOrDefaultAsync(c => c.Id == channelId, cancellationToken));
    }

    public static Task<User?> UserAsync(GatewayDbContext db, LookupCache cache, int userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetAsync("user", userId, () => db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken));
    }
}
