using Quartz;

namespace ClpMailGateway.Outbound;

/// <summary>Queues the notifications of posts still pending (the web's, and any a poll left), then sends what the
/// outbox holds; one run at a time.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxSendJob(NotificationFanout fanout, OutboxSender sender) : IJob
{
    public static readonly JobKey Key = new("outbox-send", "outbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await fanout.RunAsync(cancellationToken);
        await sender.SendDueAsync(cancellationToken);
    }
}
