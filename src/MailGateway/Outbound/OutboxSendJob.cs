using ClpMailGateway.Hosting;
using Quartz;

namespace ClpMailGateway.Outbound;

/// <summary>Queues the notifications of posts still pending (the web's, and any a poll left), then sends what the
/// outbox holds; one run at a time.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxSendJob(NotificationFanout fanout, OutboxSender sender, FailureLog failures) : IJob
{
    public static readonly JobKey Key = new("outbox-send", "outbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await failures.RunAsync(
            "Outbox run",
            context,
            async token =>
            {
                await fanout.RunAsync(token);
                await sender.SendDueAsync(token);
            },
            cancellationToken);
}
