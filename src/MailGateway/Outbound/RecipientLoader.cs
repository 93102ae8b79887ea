using ClpMailGateway.Domain;
using ClpMailGateway.Localization;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Outbound;

/// <summary>Loads, in a fixed handful of queries whatever the audience size, what <see cref="RecipientResolver"/> needs
/// about the followers of a title and the mentioned users. Suppression is a separate query
/// (<see cref="WithSuppressionAsync"/>): an audience may be cached, a bounce must be seen at once.</summary>
public static class RecipientLoader
{
    public static Task<IReadOnlyList<AudienceMember>> LoadAsync(
        GatewayDbContext db, Channel channel, IReadOnlyCollection<int> mentionedUserIds, CancellationToken cancellationToken) =>
        LoadAsync(db, channel, mentionedUserIds, includeFollowers: true, MailLanguages.English, cancellationToken);

    public static Task<IReadOnlyList<AudienceMember>> LoadAsync(
        GatewayDbContext db, Channel channel, IReadOnlyCollection<int> mentionedUserIds, bool includeFollowers, CancellationToken cancellationToken) =>
        LoadAsync(db, channel, mentionedUserIds, includeFollowers, MailLanguages.English, cancellationToken);

    /// <param name="includeFollowers">False: only the mentioned users (who may follow too), for telling an author who
    /// will not be mailed.</param>
    /// <param name="defaultLanguage">The language of readers who chose none and have no vendor language we ship.</param>
    public static async Task<IReadOnlyList<AudienceMember>> LoadAsync(
        GatewayDbContext db, Channel channel, IReadOnlyCollection<int> mentionedUserIds, bool includeFollowers, string defaultLanguage,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(mentionedUserIds);
        var followerIds = await db.Follows.AsNoTracking()
            .Where(f => f.TitleId == channel.TitleId && (includeFollowers || mentionedUserIds.Contains(f.UserId)))
            .Select(f => f.UserId).ToListAsync(cancellationToken);
        var channelFollowerIds = await db.ChannelFollows.AsNoTracking()
            .Where(f => f.ChannelId == channel.Id && (includeFollowers || mentionedUserIds.Contains(f.UserId)))
            .Select(f => f.UserId).ToListAsync(cancellationToken);
        var followers = followerIds.Concat(channelFollowerIds).ToHashSet();
        var mentioned = mentionedUserIds.ToHashSet();
        var ids = followers.Union(mentioned).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var users = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.Name,
                u.Role,
                u.IsActive,
                u.VendorId,
                Settings = u.Settings,
                Languages = u.Languages.Select(l => l.Language).ToList(),
                Address = u.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        var assignments = (await db.VendorAssignments.AsNoTracking().Where(a => a.TitleId == channel.TitleId)
                .Select(a => new { a.VendorId, a.Language }).ToListAsync(cancellationToken))
            .GroupBy(a => a.VendorId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(a => a.Language).ToHashSet(StringComparer.Ordinal));

        var muted = (await db.TitleMutes.AsNoTracking().Where(m => m.TitleId == channel.TitleId && ids.Contains(m.UserId))
                .Select(m => m.UserId).ToListAsync(cancellationToken))
            .Concat(await db.ChannelMutes.AsNoTracking().Where(m => m.ChannelId == channel.Id && ids.Contains(m.UserId))
                .Select(m => m.UserId).ToListAsync(cancellationToken))
            .ToHashSet();
        var none = (IReadOnlySet<string>)new HashSet<string>(StringComparer.Ordinal);
        return users.Select(u => new AudienceMember(
                u.Id,
                u.Name,
                new ReaderContext(
                    u.Role,
                    u.IsActive,
                    u.Settings != null && u.Settings.InternalMessagesEnabled,
                    u.Languages.ToHashSet(StringComparer.Ordinal),
                    u.VendorId is { } vendorId && assignments.TryGetValue(vendorId, out var languages) ? languages : none),
                (u.Settings ?? new UserSettings()).DeliveryFor(channel.Kind),
                followers.Contains(u.Id),
                mentioned.Contains(u.Id),
                u.Address,
                false,
                muted.Contains(u.Id),
                u.Settings == null || u.Settings.MentionsEnabled,
                u.Settings == null ? Rendering.ReaderTime.Utc : u.Settings.TimeZone,
                MailLanguages.ForReader(
                    u.Settings?.Language, u.Role == UserRole.Vendor ? u.Languages.Order(StringComparer.Ordinal) : [], defaultLanguage)))
            .ToList();
    }

    /// <summary>The audience with <see cref="AudienceMember.Suppressed"/> as the database says now (one query, run for
    /// every message fanned out).</summary>
    public static async Task<IReadOnlyList<AudienceMember>> WithSuppressionAsync(
        GatewayDbContext db, IReadOnlyList<AudienceMember> audience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audience);
        var addresses = audience.Where(m => m.Address is not null).Select(m => m.Address!).Distinct(StringComparer.Ordinal).ToList();
        if (addresses.Count == 0)
        {
            return audience;
        }

        // A plain statement rather than a LINQ query: EF's building, cache lookup and materializing of this one query
        // took 40% of the CPU of rendering a message's notifications.
        var suppressed = await db.Dialect.Queries.SuppressedAsync(db, addresses, cancellationToken);

        return audience.Select(m =>
            {
                var isSuppressed = m.Address is not null && suppressed.Contains(m.Address);
                return isSuppressed == m.Suppressed ? m : m with { Suppressed = isSuppressed };
            })
            .ToList();
    }
}
