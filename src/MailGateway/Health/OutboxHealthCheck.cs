using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Health;

/// <summary>Ready while no mail of the outbox that is due for sending now was queued longer ago than
/// <see cref="HealthOptions.OutboxMaxAge"/>: a relay that keeps deferring, or a sender that stopped, shows here.</summary>
public sealed class OutboxHealthCheck(GatewayDbContext db, IOptions<HealthOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var due = db.OutboundMails.AsNoTracking().Where(m => m.Status == OutboundStatus.Pending && m.NextAttemptAtUtc <= now);
        var oldest = await due.MinAsync(m => (DateTime?)m.CreatedAtUtc, cancellationToken);
        var limit = options.Value.OutboxMaxAge;
        if (oldest is not { } queued)
        {
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["due"] = 0, ["limit_seconds"] = limit.TotalSeconds });
        }

        var age = now - DateTime.SpecifyKind(queued, DateTimeKind.Utc);
        var count = await due.CountAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["due"] = count,
            ["oldest_due_age_seconds"] = Math.Round(Math.Max(0, age.TotalSeconds), 1),
            ["limit_seconds"] = limit.TotalSeconds,
        };
        return age <= limit
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy(
                $"the oldest of {count.ToString(CultureInfo.InvariantCulture)} mails due for sending was queued {age.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture)} min ago (limit {limit.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture)} min)",
                data: data);
    }
}
