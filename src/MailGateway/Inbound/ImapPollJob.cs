using ClpMailGateway.Hosting;
using ClpMailGateway.Outbound;
using Microsoft.Extensions.Options;
using Quartz;

namespace ClpMailGateway.Inbound;

/// <summary>The scheduled poll (the safety net under IDLE), with the notifications of its posts queued alongside. Never
/// two at once: a trigger that fires while a poll runs waits.</summary>
[DisallowConcurrentExecution]
public sealed class ImapPollJob(ImapPoller poller, FanoutWorker fanout, FailureLog failures, PollStatus status, IOptions<ImapOptions> options) : IJob
{
    public static readonly JobKey Key = new("imap-poll", "inbound");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await failures.RunAsync(
            $"IMAP poll of {settings.Username}/{settings.Mailbox} on {settings.Host}:{settings.Port}",
            context,
            token => fanout.AlongsideAsync(t => status.TrackAsync(poller.PollAsync, t), token),
            cancellationToken);
    }
}
