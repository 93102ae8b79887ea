using ClpMailGateway.Domain;
using ClpMailGateway.Links;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Conversations;

/// <summary>Finds a title's channel by the keys in a URL and asks <see cref="ChannelPolicy"/>, fresh from the database,
/// what the user may do there. Every conversation, search, post and download goes through here.</summary>
public sealed record ChannelAccess(Title Title, Channel Channel, AccessDecision Decision)
{
    public string Name => ChannelNames.Display(Channel);

    public string Path => WebRoutes.ChannelPath(Title.Slug, Channel.Key);

    /// <summary>Null when there is no such title or channel.</summary>
    public static async Task<ChannelAccess?> FindAsync(GatewayDbContext db, int userId, string slug, string key, CancellationToken cancellationToken)
    {
        if (!ChannelKey.TryParse(key, out _, out var normalizedKey, out _))
        {
            return null;
        }

        var lowered = slug.Trim().ToLowerInvariant();
        var channel = await db.Channels.AsNoTracking().Include(c => c.Title)
            .SingleOrDefaultAsync(c => c.Title!.Slug == lowered && c.Key == normalizedKey, cancellationToken);
        return channel is null ? null : await ForAsync(db, userId, channel, cancellationToken);
    }

    public static async Task<ChannelAccess> ForAsync(GatewayDbContext db, int userId, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var reader = await AccessContextLoader.LoadAsync(db, userId, channel.TitleId, cancellationToken);
        return new ChannelAccess(channel.Title!, channel, ChannelPolicy.Decide(reader, channel.Kind, channel.Language));
    }

    /// <summary>The channels of a title with the user's decision on each, in the order people expect.</summary>
    public static async Task<IReadOnlyList<ChannelAccess>> AllOfTitleAsync(GatewayDbContext db, int userId, Title title, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(title);
        var reader = await AccessContextLoader.LoadAsync(db, userId, title.Id, cancellationToken);
        var channels = await db.Channels.AsNoTracking().Where(c => c.TitleId == title.Id)
            .OrderBy(c => c.Kind).ThenBy(c => c.Key).ToListAsync(cancellationToken);
        return channels.Select(c =>
        {
            c.Title = title;
            return new ChannelAccess(title, c, ChannelPolicy.Decide(reader, c.Kind, c.Language));
        }).ToList();
    }
}
