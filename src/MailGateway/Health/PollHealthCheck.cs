using System.Globalization;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Health;

/// <summary>
/// Ready while the mailbox has been read to its end within <see cref="HealthOptions.MissedPolls"/> poll intervals. The
/// time is the mailbox checkpoint's (every poll that reads the mailbox stamps it), so every gateway on a shared database
/// agrees, whichever of them polled; a process that started less than that long ago is given that long for its first
/// poll. When it fails, the cause is the last poll failure this process saw.
/// </summary>
public sealed class PollHealthCheck(
    GatewayDbContext db, PollStatus status, IOptions<ImapOptions> imap, IOptions<HealthOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = imap.Value;
        var mailbox = $"{settings.Username}/{settings.Mailbox}";
        var read = await db.MailboxCheckpoints.AsNoTracking().Where(c => c.Mailbox == mailbox)
            .Select(c => (DateTime?)c.UpdatedAtUtc).SingleOrDefaultAsync(cancellationToken);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var limit = settings.PollInterval * options.Value.MissedPolls;
        var current = status.Current;
        var since = read is { } at && at > current.SinceUtc ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : current.SinceUtc;
        var age = now - since;
        var data = new Dictionary<string, object>
        {
            ["mailbox"] = mailbox,
            ["age_seconds"] = Math.Round(age.TotalSeconds, 1),
            ["limit_seconds"] = limit.TotalSeconds,
            ["idle_connected"] = current.IdleConnected,
        };
        if (read is { } last)
        {
            data["last_read_utc"] = DateTime.SpecifyKind(last, DateTimeKind.Utc);
        }

        if (current.LastFailureUtc is { } failedAt)
        {
            data["last_failure_utc"] = failedAt;
            data["last_failure_cause"] = current.LastFailureCause!;
        }

        if (age <= limit)
        {
            return HealthCheckResult.Healthy(data: data);
        }

        var what = read is null ? $"{mailbox} has not been read since this process started {Seconds(age)} ago" : $"{mailbox} was last read {Seconds(age)} ago";
        var cause = current.LastFailureCause is { } failure && current.LastFailureUtc >= since
            ? $"; the last poll failed at {current.LastFailureUtc:HH:mm:ss} UTC: {failure}"
            : "; no poll failed in this process since (is the poll running? another gateway may hold the mailbox)";
        return HealthCheckResult.Unhealthy($"{what} (limit {Seconds(limit)}: {options.Value.MissedPolls} poll intervals){cause}", data: data);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
}
