using System.Globalization;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>notifications stuck [--all]</c>, <c>notifications retry ID</c>: posted messages whose notifications are
/// not queued, because rendering them failed <see cref="NotificationFanout.MaxAttempts"/> times (with <c>--all</c>, also
/// those still waiting for their fan-out), and queuing one again after its cause is fixed.</summary>
internal static class NotificationsCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            throw CommandException.Usage("notifications: say stuck or retry ID.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var arguments = CommandArguments.Parse("notifications " + args[0], args[1..], new HashSet<string>(), flags: new HashSet<string> { "all" });
        switch (args[0])
        {
            case "stuck":
                arguments.NoPositional();
                foreach (var row in await PendingAsync(db, arguments.Flag("all"), null, cancellationToken))
                {
                    JsonLines.Write(stdout, row);
                }

                return ExitCodes.Ok;
            case "retry":
                if (arguments.Positional.Count != 1 || !long.TryParse(arguments.Positional[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw CommandException.Usage("notifications retry: give the id of one message (see notifications stuck).");
                }

                var fanout = services.GetRequiredService<NotificationFanout>();
                if (!await fanout.RetryAsync(id, cancellationToken))
                {
                    throw CommandException.NotFound($"notifications retry: message {id} has no notifications waiting (see notifications stuck --all).");
                }

                var left = await PendingAsync(db, all: true, id, cancellationToken);
                if (left.Count > 0)
                {
                    JsonLines.Write(stdout, left[0]);
                    return ExitCodes.Failure;
                }

                JsonLines.Write(stdout, new { Type = "notifications_queued", MessageId = id });
                return ExitCodes.Ok;
            default:
                throw CommandException.Usage($"notifications: unknown action '{args[0]}'; say stuck or retry ID.");
        }
    }

    private static async Task<List<PendingNotificationsOutput>> PendingAsync(
        GatewayDbContext db, bool all, long? messageId, CancellationToken cancellationToken) =>
        (await NotificationFanout.ListPendingAsync(db, all, messageId, null, cancellationToken))
            .Select(p => new PendingNotificationsOutput(
                "pending_notifications", p.MessageId, p.Title.Slug, p.Channel.Key, p.AuthorEmail, p.PostedAtUtc, p.Attempts, p.GivenUp, p.LastError))
            .ToList();

    private sealed record PendingNotificationsOutput(
        string Type, long MessageId, string Title, string Channel, string? Author, DateTime PostedAt, int Attempts, bool GivenUp, string? LastError);
}
