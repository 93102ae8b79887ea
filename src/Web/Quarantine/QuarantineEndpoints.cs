using System.Globalization;
using System.Text;
using System.Text.Json;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Quarantine;

/// <summary>The inbound quarantine, for operators (<see cref="User.IsAdmin"/>): rejected mails with reason, detail, sender
/// and trace, the raw mail as text, and replay once the cause is fixed (<see cref="InboundProcessor.ReplayAsync"/>).
/// Anyone else gets the not-found page.</summary>
public static class QuarantineEndpoints
{
    public static RouteGroupBuilder MapQuarantine(this RouteGroupBuilder group)
    {
        group.MapGet("/quarantine", async Task<ContentHttpResult> (HttpContext context, GatewayDbContext db, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is not { IsAdmin: true })
            {
                return user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user);
            }

            var rows = await db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Rejected)
                .OrderByDescending(m => m.ReceivedAtUtc).ThenByDescending(m => m.Id).Take(200)
                .Select(m => new { m.Id, m.ReceivedAtUtc, m.FromAddress, m.Subject, m.Reason, m.ReasonDetail })
                .ToListAsync(cancellationToken);
            var html = new StringBuilder("<h1>Quarantine</h1><p>Mail that came in but was not posted, newest first. Open one to see its trace, read the raw mail, or replay it once the cause is fixed.</p>");
            if (rows.Count == 0)
            {
                html.Append("<p>Nothing is in quarantine.</p>");
            }
            else
            {
                html.Append("<div class=\"table-wrap\"><table><caption class=\"muted\">").Append(rows.Count).Append(" rejected mails</caption><thead><tr><th scope=\"col\">Received</th><th scope=\"col\">From</th>")
                    .Append("<th scope=\"col\">Subject</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
                foreach (var row in rows)
                {
                    html.Append("<tr><td>").Append(Html.Time(row.ReceivedAtUtc)).Append("</td><td>").Append(Html.E(row.FromAddress ?? "(none)"))
                        .Append("</td><td><a href=\"/quarantine/").Append(row.Id).Append("\">").Append(Html.E(string.IsNullOrEmpty(row.Subject) ? "(no subject)" : row.Subject))
                        .Append("</a></td><td><strong>").Append(Html.E(row.Reason)).Append("</strong><br><span class=\"muted\">").Append(Html.E(row.ReasonDetail)).Append("</span></td></tr>");
                }

                html.Append("</tbody></table></div>");
            }

            return Page.Render(context, user, "Quarantine", html.ToString());
        });

        group.MapGet("/quarantine/{id:long}", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, long id, [FromQuery] string? replayed, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is not { IsAdmin: true })
            {
                return user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user);
            }

            var mail = await db.InboundMails.AsNoTracking().Where(m => m.Id == id)
                .Select(m => new { m.Id, m.Status, m.Kind, m.Reason, m.ReasonDetail, m.FromAddress, m.Subject, m.MessageId, m.ReceivedAtUtc, m.SizeBytes, m.Trace, m.PostedMessageId, m.Attempts })
                .SingleOrDefaultAsync(cancellationToken);
            if (mail is null)
            {
                return Page.NotFound(context, user);
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
            return Page.Render(context, user, $"Quarantined mail {mail.Id}", html.ToString());
        });

        group.MapGet("/quarantine/{id:long}/raw", async Task<Results<FileContentHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is not { IsAdmin: true })
            {
                return user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user);
            }

            var raw = await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(m => m.Raw).SingleOrDefaultAsync(cancellationToken);
            if (raw is null)
            {
                return Page.NotFound(context, user);
            }

            context.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.File(raw, "text/plain; charset=utf-8", $"inbound-{id.ToString(CultureInfo.InvariantCulture)}.eml.txt");
        });

        group.MapPost("/quarantine/{id:long}/replay", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, InboundProcessor processor, long id, [FromForm] string? confirm, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is not { IsAdmin: true })
            {
                return user is null ? TitleEndpoints.Deactivated(context) : Page.NotFound(context, user);
            }

            return await processor.ReplayAsync(id, cancellationToken) is null
                ? Page.NotFound(context, user)
                : TypedResults.Redirect($"/quarantine/{id.ToString(CultureInfo.InvariantCulture)}?replayed=1");
        });

        return group;
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
