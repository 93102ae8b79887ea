using System.Globalization;
using System.Text.Json.Nodes;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using ClpMailGateway.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>quarantine list [--all]</c>, <c>quarantine show ID [--raw]</c>, <c>quarantine replay ID</c>,
/// <c>quarantine post ID --channel KEY</c>: the inbound mails that were not posted, their reasons and traces, replaying
/// one after its cause is fixed, and moving a reply to a channel of its title its sender may post to.</summary>
internal static class QuarantineCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            throw CommandException.Usage("quarantine: say list, show ID, replay ID or post ID --channel KEY.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var arguments = CommandArguments.Parse("quarantine " + args[0], args[1..], new HashSet<string> { "channel" }, flags: new HashSet<string> { "all", "raw" });
        switch (args[0])
        {
            case "list":
                arguments.NoPositional();
                var query = db.InboundMails.AsNoTracking();
                if (!arguments.Flag("all"))
                {
                    query = query.Where(m => m.Status == InboundStatus.Rejected);
                }

                foreach (var row in await query.OrderBy(m => m.Id).Select(m => new { m.Id, m.Status, m.Reason, m.ReasonDetail, m.FromAddress, m.Subject, m.MessageId, m.ReceivedAtUtc, m.Kind })
                    .ToListAsync(cancellationToken))
                {
                    JsonLines.Write(stdout, new { Type = "inbound", row.Id, Status = row.Status.ToString().ToLowerInvariant(), row.Kind, row.Reason, Detail = row.ReasonDetail, From = row.FromAddress, row.Subject, row.MessageId, ReceivedAt = DateTime.SpecifyKind(row.ReceivedAtUtc, DateTimeKind.Utc) });
                }

                return ExitCodes.Ok;
            case "show":
                var shown = await FindAsync(db, arguments, cancellationToken);
                if (arguments.Flag("raw"))
                {
                    if (shown.RawRemovedAtUtc is { } removed)
                    {
                        throw new CommandException(ExitCodes.Refused, "quarantine show --raw: " + Retention.RawRemovedException.Describe(shown.Id, removed));
                    }

                    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(shown.Raw).AsMemory(), cancellationToken);
                    return ExitCodes.Ok;
                }

                JsonLines.Write(stdout, Describe(shown));
                return ExitCodes.Ok;
            case "replay":
                var mail = await FindAsync(db, arguments, cancellationToken);
                if (mail.Status == InboundStatus.Posted)
                {
                    throw new CommandException(ExitCodes.Refused, $"quarantine replay: inbound mail {mail.Id} is already posted (message {mail.PostedMessageId}).");
                }

                RefuseRemoved("quarantine replay", mail);
                var after = await services.GetRequiredService<InboundProcessor>().ReplayAsync(mail.Id, cancellationToken)
                    ?? throw CommandException.NotFound($"quarantine replay: no inbound mail {mail.Id}.");
                JsonLines.Write(stdout, Describe(after));
                return after.Status == InboundStatus.Posted ? ExitCodes.Ok : ExitCodes.Refused;
            case "post":
                var quarantined = await FindAsync(db, arguments, cancellationToken);
                var key = arguments.Required("channel");
                if (quarantined.Status == InboundStatus.Posted)
                {
                    throw new CommandException(ExitCodes.Refused, $"quarantine post: inbound mail {quarantined.Id} is already posted (message {quarantined.PostedMessageId}).");
                }

                RefuseRemoved("quarantine post", quarantined);
                var targets = await QuarantineTargets.ForAsync(db, quarantined, cancellationToken);
                if (targets.Count == 0)
                {
                    throw new CommandException(ExitCodes.PermissionDenied, quarantined.UserId is null
                        ? $"quarantine post: inbound mail {quarantined.Id} has no verified sender (its reply address did not verify), so it cannot be posted as anyone."
                        : $"quarantine post: the sender of inbound mail {quarantined.Id} may post in no channel of its title now.");
                }

                var target = ChannelKey.TryParse(key, out _, out var normalizedKey, out _) ? targets.SingleOrDefault(c => c.Key == normalizedKey) : null;
                if (target is null)
                {
                    throw new CommandException(
                        ExitCodes.PermissionDenied,
                        $"quarantine post: the sender may not post in '{key}'; they may post in {string.Join(", ", targets.Select(c => c.Key))}.");
                }

                var moved = await services.GetRequiredService<InboundProcessor>().ReplayAsync(quarantined.Id, target.Id, cancellationToken)
                    ?? throw CommandException.NotFound($"quarantine post: no inbound mail {quarantined.Id}.");
                JsonLines.Write(stdout, Describe(moved));
                return moved.Status == InboundStatus.Posted ? ExitCodes.Ok : ExitCodes.Refused;
            default:
                throw CommandException.Usage($"quarantine: unknown action '{args[0]}'; say list, show ID, replay ID or post ID --channel KEY.");
        }
    }

    private static async Task<InboundMail> FindAsync(GatewayDbContext db, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Positional.Count != 1 || !long.TryParse(arguments.Positional[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw CommandException.Usage($"{arguments.Command}: give the id of one inbound mail (see quarantine list).");
        }

        return await db.InboundMails.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken)
            ?? throw CommandException.NotFound($"{arguments.Command}: no inbound mail {id}.");
    }

    /// <summary>A mail whose raw bytes retention removed cannot be threaded again.</summary>
    private static void RefuseRemoved(string command, InboundMail mail)
    {
        if (mail.RawRemovedAtUtc is { } removed)
        {
            throw new CommandException(ExitCodes.Refused, $"{command}: " + Retention.RawRemovedException.Describe(mail.Id, removed));
        }
    }

    private static object Describe(InboundMail mail) => new
    {
        Type = "inbound",
        mail.Id,
        Status = mail.Status.ToString().ToLowerInvariant(),
        mail.Kind,
        mail.Reason,
        Detail = mail.ReasonDetail,
        From = mail.FromAddress,
        mail.Subject,
        mail.MessageId,
        mail.Sha256,
        mail.SizeBytes,
        mail.Mailbox,
        mail.Uid,
        ReceivedAt = DateTime.SpecifyKind(mail.ReceivedAtUtc, DateTimeKind.Utc),
        PostedMessageId = mail.PostedMessageId,
        RawRemovedAt = mail.RawRemovedAtUtc is { } removed ? DateTime.SpecifyKind(removed, DateTimeKind.Utc) : (DateTime?)null,
        TraceId = Telemetry.InboundJourneys.StoredTraceId(mail.Trace),
        Trace = JsonNode.Parse(mail.Trace),
    };
}
