using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>poll</c>: one poll of the gateway mailbox now, with the notifications of its posts queued alongside (and
/// of any other post still pending), then one outbox run; prints what each did.</summary>
internal static class PollCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        CommandArguments.Parse("poll", args, new HashSet<string>()).NoPositional();
        await CommandLookups.EnsureMigratedAsync(services.GetRequiredService<GatewayDbContext>(), cancellationToken);
        var poller = services.GetRequiredService<ImapPoller>();
        var summary = await services.GetRequiredService<FanoutWorker>().AlongsideAsync(poller.PollAsync, cancellationToken);
        JsonLines.Write(stdout, new { Type = "poll", summary.Mailbox, summary.UidValidity, summary.Resynced, summary.Fetched, summary.Stored, summary.Duplicates, summary.Posted, summary.Ignored, summary.Rejected, summary.Moved });
        var sent = await services.GetRequiredService<OutboxSender>().SendDueAsync(cancellationToken);
        JsonLines.Write(stdout, new { Type = "outbox", Sent = sent });
        return ExitCodes.Ok;
    }
}
