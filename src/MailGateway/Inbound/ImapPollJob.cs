using ClpMailGateway.Outbound;
using Quartz;

namespace ClpMailGateway.Inbound;

/// <summary>The scheduled poll (the safety net under IDLE), with the notifications of its posts queued alongside. Never
/// two at once: a trigger that fires while a poll runs waits.</summary>
[DisallowConcurrentExecution]
public sealed class ImapPollJob(ImapPoller poller, FanoutWorker fanout) : IJob
{
    public static readonly JobKey Key = new("imap-poll", "inbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await fanout.AlongsideAsync(poller.PollAsync, cancellationToken);
}
