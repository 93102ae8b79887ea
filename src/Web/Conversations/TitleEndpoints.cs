using System.Text;
using ClpMailGateway.Domain;
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
        group.MapGet(WebRoutes.Titles, async Task<ContentHttpResult> (HttpContext context, GatewayDbContext db, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Deactivated(context);
            }

            var titles = await db.Titles.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
            var html = new StringBuilder("<h1>My titles</h1>");
            // Mail that stopped because the address bounced is said where the user lands, with the way back.
            var paused = await db.AddressHealth.AsNoTracking()
                .Where(a => a.SuppressedAtUtc != null && db.UserEmails.Any(e => e.UserId == user.Id && e.Address == a.Address))
                .Select(a => a.Address).ToListAsync(cancellationToken);
            foreach (var address in paused)
            {
                html.Append("<div class=\"notice warn\" role=\"status\"><p>Mail to ").Append(Html.E(address))
                    .Append(" is paused because it bounced, so you get no notifications there. <a href=\"").Append(WebRoutes.Settings)
                    .Append("\">See why and turn it back on in your settings</a>.</p></div>");
            }

            var shown = 0;
            html.Append("<ul class=\"cards\">");
            foreach (var title in titles)
            {
                var readable = (await ChannelAccess.AllOfTitleAsync(db, user.Id, title, cancellationToken)).Where(c => c.Decision.CanRead).ToList();
                if (readable.Count == 0)
                {
                    continue;
                }

                shown++;
                html.Append("<li><a class=\"card\" href=\"/titles/").Append(Html.Segment(title.Slug)).Append("\"><span class=\"name\">")
                    .Append(Html.E(title.Name)).Append("</span><span class=\"meta\">")
                    .Append(Html.E(string.Join(" · ", readable.Select(c => c.Name)))).Append("</span></a></li>");
            }

            html.Append("</ul>");
            if (shown == 0)
            {
                html.Append("<p>No title is shared with you yet. When your company is assigned a language on a title, it appears here.</p>");
            }

            return Page.Render(context, user, "My titles", html.ToString());
        });

        group.MapGet(WebRoutes.Title, async Task<ContentHttpResult> (HttpContext context, GatewayDbContext db, string slug, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Deactivated(context);
            }

            var lowered = slug.Trim().ToLowerInvariant();
            var title = await db.Titles.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == lowered, cancellationToken);
            var channels = title is null ? [] : await ChannelAccess.AllOfTitleAsync(db, user.Id, title, cancellationToken);
            var readable = channels.Where(c => c.Decision.CanRead).ToList();
            if (title is null || readable.Count == 0)
            {
                return Page.NotFound(context, user);
            }

            var ids = readable.Select(c => c.Channel.Id).ToList();
            var stats = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ChannelId))
                .GroupBy(m => m.ChannelId)
                .Select(g => new { ChannelId = g.Key, Count = g.Count(), Last = g.Max(m => m.CreatedAtUtc) })
                .ToDictionaryAsync(x => x.ChannelId, cancellationToken);
            var html = new StringBuilder();
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/titles\">My titles</a></li><li aria-current=\"page\">")
                .Append(Html.E(title.Name)).Append("</li></ol></nav><h1>").Append(Html.E(title.Name)).Append("</h1><h2>Channels</h2><ul class=\"cards\">");
            foreach (var channel in readable)
            {
                html.Append("<li><a class=\"card\" href=\"").Append(Html.E(channel.Path)).Append("\"><span class=\"name\">").Append(Html.E(channel.Name))
                    .Append("</span><span class=\"meta\">").Append(Html.E(Purpose(channel.Channel.Kind))).Append(" · ");
                if (stats.TryGetValue(channel.Channel.Id, out var stat))
                {
                    html.Append(stat.Count).Append(stat.Count == 1 ? " message, last " : " messages, last ").Append(Html.Time(stat.Last));
                }
                else
                {
                    html.Append("no messages yet");
                }

                if (!channel.Decision.CanPost)
                {
                    html.Append(" · read only");
                }

                html.Append("</span></a></li>");
            }

            html.Append("</ul>");
            var hidden = channels.Count(c => !c.Decision.CanRead && c.Channel.Kind == ChannelKind.Internal && user.IsInternal);
            if (hidden > 0)
            {
                html.Append("<p class=\"muted\">The Internal channel is hidden because Internal messages are off in your <a href=\"/settings\">settings</a>.</p>");
            }

            return Page.Render(context, user, title.Name, html.ToString());
        });

        return group;
    }

    internal static string Purpose(ChannelKind kind) => kind switch
    {
        ChannelKind.Internal => "staff only",
        ChannelKind.Broadcast => "staff to every vendor",
        _ => "staff and the vendor for this language",
    };

    internal static ContentHttpResult Deactivated(HttpContext context) =>
        Page.Message(context, null, StatusCodes.Status403Forbidden, "Your account is not active",
            "Your account was deactivated or removed. Ask a project manager if this is a mistake.", "/signin", "Sign in with another address");
}
