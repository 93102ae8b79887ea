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
                foreach (var row in await PendingAsync(db, arguments.Flag("all") ? null : NotificationFanout.MaxAttempts, null, cancellationToken))
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

                var left = await PendingAsync(db, null, id, cancellationToken);
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

    /// <summary>The pending fan-outs with at least <paramref name="minAttempts"/> failed attempts (all when null), or
    /// of message <paramref name="messageId"/> alone, oldest first, with where the message is and who wrote it.</summary>
    private static async Task<List<PendingNotificationsOutput>> PendingAsync(
        GatewayDbContext db, int? minAttempts, long? messageId, CancellationToken cancellationToken)
    {
        var pending = db.PendingFanouts.AsNoTracking();
        if (minAttempts is { } min)
        {
            pending = pending.Where(f => f.Attempts >= min);
        }

        if (messageId is { } only)
        {
            pending = pending.Where(f => f.MessageId == only);
        }

        var rows = await (
            from f in pending
            join m in db.Messages on f.MessageId equals m.Id
            join c in db.Channels on m.ChannelId equals c.Id
            orderby f.MessageId
            select new
            {
                f.MessageId,
                Title = c.Title!.Slug,
                Channel = c.Key,
                Author = db.UserEmails.Where(e => e.UserId == m.AuthorId).OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id)
                    .Select(e => e.Address).FirstOrDefault(),
                f.CreatedAtUtc,
                f.Attempts,
                f.LastError,
            }).ToListAsync(cancellationToken);
        return rows.Select(r => new PendingNotificationsOutput(
            "pending_notifications",
            r.MessageId,
            r.Title,
            r.Channel,
            r.Author,
            DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc),
            r.Attempts,
            r.Attempts >= NotificationFanout.MaxAttempts,
            r.LastError)).ToList();
    }

    private sealed record PendingNotificationsOutput(
        string Type, long MessageId, string Title, string Channel, string? Author, DateTime PostedAt, int Attempts, bool GivenUp, string? LastError);
}
