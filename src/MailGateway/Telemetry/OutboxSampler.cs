using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Telemetry;

/// <summary>Reads the outbox's depth, the age of its oldest due mail and the number of suppressed addresses every
/// <see cref="TelemetryOptions.SampleInterval"/> for the gauges of <see cref="OutboundMetrics"/>: three counts in the
/// background rather than at every scrape, so a scraper cannot make the gateway query its database at will.</summary>
public sealed class OutboxSampler(
    IServiceScopeFactory scopes, OutboundMetrics metrics, IOptions<TelemetryOptions> options, TimeProvider timeProvider, ILogger<OutboxSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, timeProvider);
        do
        {
            try
            {
                metrics.Sampled(await SampleAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The gauges keep their last values; the database's health is the health checks' to report.
                logger.LogDebug(ex, "The outbox could not be sampled for the metrics");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<OutboxSample> SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var pending = db.OutboundMails.AsNoTracking().Where(m => m.Status == OutboundStatus.Pending);
        var depth = await pending.LongCountAsync(cancellationToken);
        var oldest = await pending.Where(m => m.NextAttemptAtUtc <= now).MinAsync(m => (DateTime?)m.CreatedAtUtc, cancellationToken);
        var suppressed = await db.AddressHealth.AsNoTracking().LongCountAsync(a => a.SuppressedAtUtc != null, cancellationToken);
        return new OutboxSample(depth, oldest is { } created && created < now ? now - created : TimeSpan.Zero, suppressed);
    }
}
