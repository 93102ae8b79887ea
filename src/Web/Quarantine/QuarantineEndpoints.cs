using System.Globalization;
using System.Text.Json;
using ClpMailGateway.Checks;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Links;
using ClpMailGateway.Retention;
using ClpMailGateway.Storage;
using ClpMailGateway.Threading;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Quarantine;

/// <summary>The inbound quarantine, for operators (mapped under the <c>Admin</c> policy, <see cref="Hosting.AdminPolicy"/>):
/// rejected mails with reason, detail, sender and trace, the raw mail as text, and replay once the cause is fixed
/// (<see cref="InboundProcessor.ReplayAsync"/>); the posts whose notifications were given up
/// (<see cref="NotificationFanout.MaxAttempts"/> failed renderings), with their error and a retry
/// (<see cref="NotificationFanout.RetryAsync"/>); and the connection checks of the mailbox and the relay
/// (<see cref="ConnectionCheckRunner"/>).</summary>
public static class QuarantineEndpoints
{
    /// <summary>Rejected mails listed, newest first.</summary>
    public const int ListedMails = 200;

    /// <summary>The list's caption: how many rejected mails there are, and which of them are listed.</summary>
    public static Phrase Caption(int listed, int total) =>
        listed < total
            ? Phrase.Of<QuarantineStrings>("CaptionNewest", listed, total)
            : Phrase.Of<QuarantineStrings>(total == 1 ? "CaptionOne" : "CaptionAll", total);

    public static RouteGroupBuilder MapQuarantine(this RouteGroupBuilder group)
    {
        group.MapGet("/quarantine", async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, [FromQuery] long? retried, CancellationToken cancellationToken) =>
        {
            var rejected = db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Rejected);
            var rows = await rejected
                .OrderByDescending(m => m.ReceivedAtUtc).ThenByDescending(m => m.Id).Take(ListedMails)
                .Select(m => new QuarantinePage.Row(m.Id, m.ReceivedAtUtc, m.FromAddress, m.Subject, m.Reason, m.ReasonDetail))
                .ToListAsync(cancellationToken);
            var total = rows.Count < ListedMails ? rows.Count : await rejected.CountAsync(cancellationToken);
            string? retriedError = null;
            if (retried is { } id)
            {
                var left = await db.PendingFanouts.AsNoTracking().Where(f => f.MessageId == id).Select(f => f.LastError).ToListAsync(cancellationToken);
                retriedError = left.Count == 0 ? null : left[0] ?? "—";
            }

            var stuck = await NotificationFanout.ListPendingAsync(db, all: false, messageId: null, limit: 200, cancellationToken);
            return Pages.Show<QuarantinePage>(new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Rows = rows,
                Total = total,
                Stuck = stuck,
                Retried = retried,
                RetriedError = retriedError,
            });
        });

        group.MapPost("/quarantine/checks", async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, ConnectionChecks checks, [FromForm(Name = "to")] string? to, CancellationToken cancellationToken) =>
        {
            var results = await ConnectionCheckRunner.RunAsync(checks, to, cancellationToken);
            return Pages.Show<ConnectionChecksPage>(new { User = await CurrentUser.LoadAsync(context, db, cancellationToken), Results = results });
        });

        group.MapGet("/quarantine/{id:long}", async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, long id, [FromQuery] string? replayed, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            var mail = await FindAsync(db, id, cancellationToken);
            if (mail is null)
            {
                return Pages.NotFound(user);
            }

            return Pages.Show<QuarantinedMailPage>(new
            {
                User = user,
                Mail = mail,
                Trace = TraceSteps(mail.Trace),
                TraceId = Telemetry.InboundJourneys.StoredTraceId(mail.Trace),
                Targets = await QuarantineTargets.ForAsync(db, mail, cancellationToken),
                Replayed = replayed is not null,
            });
        });

        group.MapGet("/quarantine/{id:long}/raw", async Task<Results<FileContentHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        {
            var removed = await db.InboundMails.AsNoTracking().Where(m => m.Id == id)
                .Select(m => new { m.RawRemovedAtUtc }).SingleOrDefaultAsync(cancellationToken);
            if (removed?.RawRemovedAtUtc is { } at)
            {
                return RawRemoved(await CurrentUser.LoadAsync(context, db, cancellationToken), id, at);
            }

            var raw = removed is null ? null : await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(m => m.Raw).SingleOrDefaultAsync(cancellationToken);
            if (raw is null)
            {
                return Pages.NotFound(await CurrentUser.LoadAsync(context, db, cancellationToken));
            }

            context.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.File(raw, "text/plain; charset=utf-8", $"inbound-{id.ToString(CultureInfo.InvariantCulture)}.eml.txt");
        });

        group.MapPost("/quarantine/{id:long}/post", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, InboundProcessor processor, long id, [FromForm] string? channel, CancellationToken cancellationToken) =>
        {
            var mail = await FindAsync(db, id, cancellationToken);
            if (mail is null)
            {
                return Pages.NotFound(await CurrentUser.LoadAsync(context, db, cancellationToken));
            }

            if (mail.RawRemovedAtUtc is { } removed)
            {
                return RawRemoved(await CurrentUser.LoadAsync(context, db, cancellationToken), id, removed);
            }

            var target = (await QuarantineTargets.ForAsync(db, mail, cancellationToken)).SingleOrDefault(c => c.Key == channel);
            if (target is null)
            {
                return Pages.Message(await CurrentUser.LoadAsync(context, db, cancellationToken), StatusCodes.Status400BadRequest,
                    Phrase.Of<QuarantineStrings>("NotPosted"), Phrase.Of<QuarantineStrings>("NotPostedText"),
                    WebRoutes.QuarantinedMailPath(id), Phrase.Of<QuarantineStrings>("BackToTheMail"));
            }

            await processor.ReplayAsync(id, target.Id, cancellationToken);
            return TypedResults.Redirect(WebRoutes.QuarantinedMailPath(id) + "?replayed=1");
        });

        group.MapPost("/quarantine/{id:long}/replay", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, InboundProcessor processor, long id, [FromForm] string? confirm, CancellationToken cancellationToken) =>
        {
            try
            {
                return await processor.ReplayAsync(id, cancellationToken) is null
                    ? Pages.NotFound(await CurrentUser.LoadAsync(context, db, cancellationToken))
                    : TypedResults.Redirect(WebRoutes.QuarantinedMailPath(id) + "?replayed=1");
            }
            catch (RawRemovedException ex)
            {
                return RawRemoved(await CurrentUser.LoadAsync(context, db, cancellationToken), id, ex.RemovedAtUtc);
            }
        });

        group.MapPost("/quarantine/notifications/{messageId:long}/retry", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, NotificationFanout fanout, long messageId, CancellationToken cancellationToken) =>
            await fanout.RetryAsync(messageId, cancellationToken)
                ? TypedResults.Redirect($"/quarantine?retried={messageId.ToString(CultureInfo.InvariantCulture)}")
                : Pages.NotFound(await CurrentUser.LoadAsync(context, db, cancellationToken)));

        return group;
    }

    /// <summary>The answer about a mail whose raw bytes retention removed: 410 Gone, saying when, with a way back to the
    /// mail's page (its facts and trace stay).</summary>
    private static RazorComponentResult RawRemoved(CurrentUser? user, long id, DateTime removedAtUtc) =>
        Pages.Message(user, StatusCodes.Status410Gone, Phrase.Of<QuarantineStrings>("RawRemovedHeading"),
            Phrase.Of<QuarantineStrings>("RawRemoved", removedAtUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            WebRoutes.QuarantinedMailPath(id), Phrase.Of<QuarantineStrings>("BackToTheMail"));

    /// <summary>Inbound mail <paramref name="id"/>, its raw bytes left out.</summary>
    private static Task<InboundMail?> FindAsync(GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(InboundStore.WithoutRaw).SingleOrDefaultAsync(cancellationToken);

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
