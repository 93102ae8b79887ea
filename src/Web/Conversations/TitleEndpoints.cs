using ClpMailGateway.Domain;
using ClpMailGateway.Following;
using ClpMailGateway.Reading;
using ClpMailGateway.Links;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Conversations;

/// <summary>My titles, and one title with the channels I may read.</summary>
public static class TitleEndpoints
{
    public static RouteGroupBuilder MapTitles(this RouteGroupBuilder group)
    {
        group.MapGet(WebRoutes.Titles, async Task<RazorComponentResult> (HttpContext context, GatewayDbContext db, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var titles = await db.Titles.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
            // Mail that stopped because the address bounced is said where the user lands, with the way back.
            var paused = await db.AddressHealth.AsNoTracking()
                .Where(a => a.SuppressedAtUtc != null && db.UserEmails.Any(e => e.UserId == user.Id && e.Address == a.Address))
                .Select(a => a.Address).ToListAsync(cancellationToken);
            var readableByTitle = new List<(Title Title, List<ChannelAccess> Channels)>();
            foreach (var title in titles)
            {
                var readable = (await ChannelAccess.AllOfTitleAsync(db, user.Id, title, cancellationToken)).Where(c => c.Decision.CanRead).ToList();
                if (readable.Count > 0)
                {
                    readableByTitle.Add((title, readable));
                }
            }

            var unread = await ReadMarks.UnreadCountsAsync(
                db, user.Id, readableByTitle.SelectMany(t => t.Channels.Select(c => c.Channel.Id)).ToList(), cancellationToken);
            var rows = readableByTitle.Select(t => new TitlesPage.TitleRow(t.Title.Name, t.Title.Slug, t.Channels.Select(c => c.Channel).ToList())
            {
                Unread = t.Channels.Sum(c => unread.GetValueOrDefault(c.Channel.Id)),
            }).ToList();

            return Pages.Show<TitlesPage>(new { User = user, Titles = rows, Paused = paused });
        });

        group.MapGet(WebRoutes.Title, async Task<RazorComponentResult> (HttpContext context, GatewayDbContext db, string slug, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var lowered = slug.Trim().ToLowerInvariant();
            var title = await db.Titles.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == lowered, cancellationToken);
            var channels = title is null ? [] : await ChannelAccess.AllOfTitleAsync(db, user.Id, title, cancellationToken);
            var readable = channels.Where(c => c.Decision.CanRead).ToList();
            if (title is null || readable.Count == 0)
            {
                return Pages.NotFound(user);
            }

            var ids = readable.Select(c => c.Channel.Id).ToList();
            var stats = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ChannelId))
                .GroupBy(m => m.ChannelId)
                .Select(g => new { ChannelId = g.Key, Count = g.Count(), Last = g.Max(m => m.CreatedAtUtc) })
                .ToDictionaryAsync(x => x.ChannelId, cancellationToken);
            var unread = await ReadMarks.UnreadCountsAsync(db, user.Id, ids, cancellationToken);
            var rows = readable.Select(c => (stats.TryGetValue(c.Channel.Id, out var stat)
                ? new TitlePage.ChannelRow(c, stat.Count, stat.Last)
                : new TitlePage.ChannelRow(c, 0, null)) with { Unread = unread.GetValueOrDefault(c.Channel.Id) }).ToList();
            var internalHidden = channels.Any(c => !c.Decision.CanRead && c.Channel.Kind == ChannelKind.Internal && user.IsInternal);
            var follow = await FollowChoices.StateAsync(db, user.Id, title.Id, null, cancellationToken);
            return Pages.Show<TitlePage>(new { User = user, title.Name, title.Slug, Channels = rows, InternalHidden = internalHidden, Follow = follow });
        });

        return group;
    }
}
