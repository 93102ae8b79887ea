using Quartz;

namespace ClpMailGateway.Outbound;

/// <summary>Sends what the outbox holds; one run at a time.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxSendJob(OutboxSender sender) : IJob
{
    public static readonly JobKey Key = new("outbox-send", "outbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sender.SendDueAsync(cancellationToken);
}
