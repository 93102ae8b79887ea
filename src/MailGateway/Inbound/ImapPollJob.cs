using Quartz;

namespace ClpMailGateway.Inbound;

/// <summary>The scheduled poll (the safety net under IDLE). Never two at once: a trigger that fires while a poll runs waits.</summary>
[DisallowConcurrentExecution]
public sealed class ImapPollJob(ImapPoller poller) : IJob
{
    public static readonly JobKey Key = new("imap-poll", "inbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await poller.PollAsync(cancellationToken);
}
