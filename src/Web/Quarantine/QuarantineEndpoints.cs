using System.Globalization;
using System.Text;
using System.Text.Json;
using ClpMailGateway.Checks;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Links;
using ClpMailGateway.Storage;
using ClpMailGateway.Threading;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Quarantine;

/// <summary>The inbound quarantine, for operators (<see cref="User.IsAdmin"/>): rejected mails with reason, detail, sender
/// and trace, the raw mail as text, and replay once the cause is fixed (<see cref="InboundProcessor.ReplayAsync"/>); and
/// the posts whose notifications were given up (<see cref="NotificationFanout.MaxAttempts"/> failed renderings), with
/// their error and a retry (<see cref="NotificationFanout.RetryAsync"/>); and the connection checks of the mailbox and the
/// relay (<see cref="ConnectionCheckSection"/>). Anyone else gets the not-found page.</summary>
public static class QuarantineEndpoints
{
    /// <summary>Rejected mails listed, newest first.</summary>
    public const int ListedMails = 200;

    /// <summary>The list's caption: how many rejected mails there are, and which of them are listed.</summary>
    public static string Caption(int listed, int total) =>
        listed < total
            ? string.Create(CultureInfo.InvariantCulture, $"The newest {listed:#,0} of {total:#,0} rejected mails")
            : string.Create(CultureInfo.InvariantCulture, $"{total:#,0} rejected {(total == 1 ? "mail" : "mails")}");

    public static RouteGroupBuilder MapQuarantine(this RouteGroupBuilder group)
    {
        group.MapGet("/quarantine", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, [FromQuery] long? retried, CancellationToken cancellationToken) =>
        {
            var (user, denied) = await AdminAsync(context, db, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var rejected = db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Rejected);
            var rows = await rejected
                .OrderByDescending(m => m.ReceivedAtUtc).ThenByDescending(m => m.Id).Take(ListedMails)
                .Select(m => new { m.Id, m.ReceivedAtUtc, m.FromAddress, m.Subject, m.Reason, m.ReasonDetail })
                .ToListAsync(cancellationToken);
            var html = new StringBuilder("<h1>Quarantine</h1><p>Mail that came in but was not posted, newest first. Open one to see its trace, read the raw mail, or replay it once the cause is fixed.</p>");
            if (rows.Count == 0)
            {
                html.Append("<p>Nothing is in quarantine.</p>");
            }
            else
            {
                var total = rows.Count < ListedMails ? rows.Count : await rejected.CountAsync(cancellationToken);
                html.Append("<div class=\"table-wrap\"><table><caption class=\"muted\">").Append(Caption(rows.Count, total)).Append("</caption><thead><tr><th scope=\"col\">Received</th><th scope=\"col\">From</th>")
                    .Append("<th scope=\"col\">Subject</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
                foreach (var row in rows)
                {
                    html.Append("<tr><td>").Append(Html.Time(row.ReceivedAtUtc)).Append("</td><td>").Append(Html.E(row.FromAddress ?? "(none)"))
                        .Append("</td><td><a href=\"/quarantine/").Append(row.Id).Append("\">").Append(Html.E(string.IsNullOrEmpty(row.Subject) ? "(no subject)" : row.Subject))
                        .Append("</a></td><td><strong>").Append(Html.E(row.Reason)).Append("</strong><br><span class=\"muted\">").Append(Html.E(row.ReasonDetail)).Append("</span></td></tr>");
                }

                html.Append("</tbody></table></div>");
            }

            await AppendStuckNotificationsAsync(html, context, db, retried, cancellationToken);
            ConnectionCheckSection.Append(html, context, results: null);
            return Page.Render(context, user, "Quarantine", html.ToString());
        });

        group.MapPost("/quarantine/checks", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, ConnectionChecks checks, [FromForm(Name = "to")] string? to, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is not { IsAdmin: true })
            {
                return user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user);
            }

            var results = await ConnectionCheckSection.RunAsync(checks, to, cancellationToken);
            var html = new StringBuilder("<h1>Quarantine</h1><p><a href=\"/quarantine\">Back to the quarantined mail</a></p>");
            ConnectionCheckSection.Append(html, context, results);
            return Page.Render(context, user, "Connection checks", html.ToString());
        });

        group.MapGet("/quarantine/{id:long}", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, long id, [FromQuery] string? replayed, CancellationToken cancellationToken) =>
        {
            var (user, mail, denied) = await AdminMailAsync(context, db, id, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var html = new StringBuilder();
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/quarantine\">Quarantine</a></li><li aria-current=\"page\">Mail ")
                .Append(mail.Id).Append("</li></ol></nav><h1>").Append(Html.E(string.IsNullOrEmpty(mail.Subject) ? "(no subject)" : mail.Subject)).Append("</h1>");
            if (replayed is not null)
            {
                html.Append(mail.Status == InboundStatus.Posted
                    ? $"<div class=\"notice\" role=\"status\"><p>Replayed: posted as message {mail.PostedMessageId}.</p></div>"
                    : $"<div class=\"notice warn\" role=\"status\"><p>Replayed, and not posted again: {Html.E(mail.ReasonDetail ?? mail.Reason ?? mail.Status.ToString())}</p></div>");
            }

            html.Append("<dl class=\"facts\"><dt>Status</dt><dd>").Append(Html.E(mail.Status.ToString())).Append("</dd><dt>Reason</dt><dd>").Append(Html.E(mail.Reason ?? "—"))
                .Append("</dd><dt>Detail</dt><dd>").Append(Html.E(mail.ReasonDetail ?? "—")).Append("</dd><dt>From</dt><dd>").Append(Html.E(mail.FromAddress ?? "(none)"))
                .Append("</dd><dt>Kind</dt><dd>").Append(Html.E(mail.Kind ?? "—")).Append("</dd><dt>Received</dt><dd>").Append(Html.Time(mail.ReceivedAtUtc))
                .Append("</dd><dt>Message-ID</dt><dd>").Append(Html.E(mail.MessageId)).Append("</dd><dt>Size</dt><dd>").Append(Html.E(Html.Size(mail.SizeBytes)))
                .Append("</dd><dt>Attempts</dt><dd>").Append(mail.Attempts).Append("</dd></dl>");
            html.Append("<h2>Trace</h2><ol>");
            foreach (var step in TraceSteps(mail.Trace))
            {
                html.Append("<li>").Append(Html.E(step)).Append("</li>");
            }

            html.Append("</ol><div class=\"actions\"><a class=\"button\" href=\"/quarantine/").Append(mail.Id).Append("/raw\">Download the raw mail (text)</a>");
            if (mail.Status != InboundStatus.Posted)
            {
                html.Append("<form method=\"post\" action=\"/quarantine/").Append(mail.Id).Append("/replay\">").Append(Forms.Antiforgery(context))
                    .Append("<button type=\"submit\" class=\"secondary\">Replay</button></form>");
            }

            html.Append("</div><p class=\"hint\">Replay threads the mail again with today's settings and permissions, as if it had just arrived.</p>");
            var targets = await QuarantineTargets.ForAsync(db, mail, cancellationToken);
            if (targets.Count > 0)
            {
                html.Append("<form method=\"post\" action=\"").Append(WebRoutes.QuarantinedMailPath(mail.Id)).Append("/post\" class=\"panel\">").Append(Forms.Antiforgery(context))
                    .Append("<label for=\"post-channel\">Post to…</label><div class=\"row\"><select id=\"post-channel\" name=\"channel\">");
                foreach (var target in targets)
                {
                    html.Append("<option value=\"").Append(Html.E(target.Key)).Append("\">").Append(Html.E(ChannelNames.Display(target))).Append("</option>");
                }

                html.Append("</select><button type=\"submit\" class=\"secondary\">Post there</button></div>")
                    .Append("<p class=\"hint\">The channels of this title the sender may post to now. The reply is threaded again there, with permission checked as for any reply.</p></form>");
            }
            return Page.Render(context, user, $"Quarantined mail {mail.Id}", html.ToString());
        });

        group.MapGet("/quarantine/{id:long}/raw", async Task<Results<FileContentHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        {
            var (user, denied) = await AdminAsync(context, db, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var raw = await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(m => m.Raw).SingleOrDefaultAsync(cancellationToken);
            if (raw is null)
            {
                return Page.NotFound(context, user);
            }

            context.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.File(raw, "text/plain; charset=utf-8", $"inbound-{id.ToString(CultureInfo.InvariantCulture)}.eml.txt");
        });

        group.MapPost("/quarantine/{id:long}/post", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, InboundProcessor processor, long id, [FromForm] string? channel, CancellationToken cancellationToken) =>
        {
            var (user, mail, denied) = await AdminMailAsync(context, db, id, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var target = (await QuarantineTargets.ForAsync(db, mail, cancellationToken)).SingleOrDefault(c => c.Key == channel);
            if (target is null)
            {
                return Page.Message(context, user, StatusCodes.Status400BadRequest, "Not posted",
                    "The sender may not post in that channel, or the mail cannot be moved.", WebRoutes.QuarantinedMailPath(id), "Back to the mail");
            }

            await processor.ReplayAsync(id, target.Id, cancellationToken);
            return TypedResults.Redirect(WebRoutes.QuarantinedMailPath(id) + "?replayed=1");
        });

        group.MapPost("/quarantine/{id:long}/replay", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, InboundProcessor processor, long id, [FromForm] string? confirm, CancellationToken cancellationToken) =>
        {
            var (user, denied) = await AdminAsync(context, db, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            return await processor.ReplayAsync(id, cancellationToken) is null
                ? Page.NotFound(context, user)
                : TypedResults.Redirect($"/quarantine/{id.ToString(CultureInfo.InvariantCulture)}?replayed=1");
        });

        group.MapPost("/quarantine/notifications/{messageId:long}/retry", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, NotificationFanout fanout, long messageId, CancellationToken cancellationToken) =>
        {
            var (user, denied) = await AdminAsync(context, db, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            return await fanout.RetryAsync(messageId, cancellationToken)
                ? TypedResults.Redirect($"/quarantine?retried={messageId.ToString(CultureInfo.InvariantCulture)}")
                : Page.NotFound(context, user);
        });

        return group;
    }

    /// <summary>The signed-in operator, or the page for anyone else: not found, so the quarantine's existence is not
    /// told to users who may not see it.</summary>
    private static async Task<(CurrentUser? Admin, ContentHttpResult? Denied)> AdminAsync(HttpContext context, GatewayDbContext db, CancellationToken cancellationToken)
    {
        var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
        return user is { IsAdmin: true } ? (user, null)
            : (null, user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user));
    }

    /// <summary>As <see cref="AdminAsync"/>, with inbound mail <paramref name="id"/> (its raw bytes left out), or the not-found page.</summary>
    private static async Task<(CurrentUser? Admin, InboundMail Mail, ContentHttpResult? Denied)> AdminMailAsync(
        HttpContext context, GatewayDbContext db, long id, CancellationToken cancellationToken)
    {
        var (user, denied) = await AdminAsync(context, db, cancellationToken);
        if (denied is not null)
        {
            return (null, null!, denied);
        }

        var mail = await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(InboundStore.WithoutRaw).SingleOrDefaultAsync(cancellationToken);
        return mail is null ? (user, null!, Page.NotFound(context, user)) : (user, mail, null);
    }

    /// <summary>The posts whose notifications were given up, with their last error and a retry button; after a retry,
    /// whether it went through.</summary>
    private static async Task AppendStuckNotificationsAsync(StringBuilder html, HttpContext context, GatewayDbContext db, long? retried, CancellationToken cancellationToken)
    {
        html.Append("<h2>Notifications not sent</h2>");
        if (retried is { } id)
        {
            var left = await db.PendingFanouts.AsNoTracking().Where(f => f.MessageId == id).Select(f => f.LastError).ToListAsync(cancellationToken);
            html.Append(left.Count == 0
                ? $"<div class=\"notice\" role=\"status\"><p>Message {id}: its notifications are queued.</p></div>"
                : $"<div class=\"notice warn\" role=\"status\"><p>Message {id}: its notifications failed again: {Html.E(left[0])}</p></div>");
        }

        var stuck = await NotificationFanout.ListPendingAsync(db, all: false, messageId: null, limit: 200, cancellationToken);
        if (stuck.Count == 0)
        {
            html.Append("<p>Every post's notifications are queued.</p>");
            return;
        }

        html.Append("<p>These posts are in their channels, but nobody was mailed: rendering their notifications failed ")
            .Append(NotificationFanout.MaxAttempts).Append(" times. Fix the cause (the error says what), then retry.</p>")
            .Append("<div class=\"table-wrap\"><table><caption class=\"muted\">").Append(stuck.Count).Append(stuck.Count == 1 ? " post" : " posts").Append(" without notifications</caption><thead><tr>")
            .Append("<th scope=\"col\">Posted</th><th scope=\"col\">Where</th><th scope=\"col\">Author</th><th scope=\"col\">Last error</th><th scope=\"col\"></th></tr></thead><tbody>");
        foreach (var row in stuck)
        {
            html.Append("<tr><td>").Append(Html.Time(row.PostedAtUtc)).Append("</td><td><a href=\"/titles/").Append(Uri.EscapeDataString(row.Title.Slug)).Append('/')
                .Append(Uri.EscapeDataString(row.Channel.Key)).Append("#m").Append(row.MessageId).Append("\">").Append(Html.E(row.Title.Name)).Append(" · ")
                .Append(Html.E(ChannelNames.Display(row.Channel))).Append(", message ").Append(row.MessageId).Append("</a></td><td>").Append(Html.E(row.AuthorName)).Append("</td><td>").Append(Html.E(row.LastError ?? "—"))
                .Append("</td><td><form method=\"post\" action=\"/quarantine/notifications/").Append(row.MessageId).Append("/retry\">").Append(Forms.Antiforgery(context))
                .Append("<button type=\"submit\" class=\"secondary\">Retry</button></form></td></tr>");
        }

        html.Append("</tbody></table></div>");
    }

    private static List<string> TraceSteps(string trace)
    {
        List<string> steps = [];
        try
        {
            using var document = JsonDocument.Parse(trace);
            foreach (var step in document.RootElement.EnumerateArray())
            {
                var at = step.TryGetProperty("at", out var a) ? a.GetString() : null;
                var name = step.TryGetProperty("step", out var s) ? s.GetString() : null;
                var detail = step.TryGetProperty("detail", out var d) ? d.GetString() : null;
                steps.Add($"{at} {name}{(detail is null ? string.Empty : ": " + detail)}");
            }
        }
        catch (JsonException)
        {
            steps.Add(trace);
        }

        return steps;
    }
}
