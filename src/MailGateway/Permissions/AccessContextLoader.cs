using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Permissions;

/// <summary>Reads from the database what <see cref="ChannelPolicy"/> needs about a user on a title. Always fresh: no caching,
/// so that removing an assignment or a setting takes effect at once (the inbound pipeline reuses an answer only while
/// nothing else has written to the database, through <see cref="LookupCache"/>).</summary>
public static class AccessContextLoader
{
    /// <summary>As <see cref="LoadAsync(GatewayDbContext, int, int, CancellationToken)"/>, remembered by
    /// <paramref name="cache"/> while it is active.</summary>
    public static Task<ReaderContext> LoadAsync(GatewayDbContext db, LookupCache cache, int userId, int titleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetAsync("access", (userId, titleId), () => LoadAsync(db, userId, titleId, cancellationToken));
    }

    public static async Task<ReaderContext> LoadAsync(GatewayDbContext db, int userId, int titleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.Role,
                u.IsActive,
                u.VendorId,
                InternalEnabled = u.Settings != null && u.Settings.InternalMessagesEnabled,
                Languages = u.Languages.Select(l => l.Language).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"User {userId} does not exist.");

        var vendorLanguages = user.VendorId is { } vendorId
            ? await db.VendorAssignments.AsNoTracking()
                .Where(a => a.VendorId == vendorId && a.TitleId == titleId)
                .Select(a => a.Language)
                .ToListAsync(cancellationToken)
            : [];

        var archived = await db.Titles.AsNoTracking().Where(t => t.Id == titleId).Select(t => t.ArchivedAtUtc != null).SingleOrDefaultAsync(cancellationToken);
        return new ReaderContext(
            user.Role,
            user.IsActive,
            user.InternalEnabled,
            user.Languages.ToHashSet(StringComparer.Ordinal),
            vendorLanguages.ToHashSet(StringComparer.Ordinal),
            archived);
    }
}
