using ClpMailGateway.Hosting;
using Quartz;

namespace ClpMailGateway.Outbound;

/// <summary>Queues the digests due (schedule: <c>Digest:Cron</c>); the outbox job sends them.</summary>
[DisallowConcurrentExecution]
public sealed class DigestJob(DigestSender sender, FailureLog failures) : IJob
{
    public static readonly JobKey Key = new("digest", "outbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await failures.RunAsync("Digest run", context, sender.SendDueAsync, cancellationToken);
}
