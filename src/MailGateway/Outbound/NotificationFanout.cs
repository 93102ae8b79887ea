using System.Diagnostics;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The notification stage: queues the notification mails and digest items of posted messages, which a post only marks
/// as pending (<see cref="PendingFanout"/>, in its own transaction). Keeping this out of the posting transaction lets a
/// post commit without rendering a mail for every follower, and lets the fan-out run beside the inbound pipeline on a
/// connection (and a core) of its own (<see cref="FanoutWorker"/>).
/// <para>Exactly once: a group of pending messages is chosen and rendered (<see cref="IFanoutClaims"/>: on SQLite without
/// holding the write lock, on PostgreSQL with their rows locked for this process, which other processes pass over);
/// then, in one write transaction, their pending rows are deleted and only the messages whose row this transaction
/// deleted get their mails and digest items, saved in the same commit. A crash before the commit leaves the rows
/// pending.</para>
/// <para>A message whose rendering throws is left pending with the error and tried again by the next run, up to
/// <see cref="MaxAttempts"/>; the others of its group go on.</para>
/// </summary>
public sealed class NotificationFanout(
    GatewayDbContext db, NotificationOutbox outbox, LookupCache cache, WriteGate writeGate, IWakeups wakeups, OutboundMetrics metrics,
    ILogger<NotificationFanout> logger)
{
    /// <summary>Messages rendered per write transaction.</summary>
    public const int GroupSize = 50;

    /// <summary>Failed fan-outs after which a message is left pending for an operator (its row keeps the last error).</summary>
    public const int MaxAttempts = 5;

    /// <summary>Fans out every pending message, oldest first, until none is left (a message that fails is not tried
    /// again in the same run).</summary>
    /// <returns>How many messages had their notifications queued by this run.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var done = 0;
        var failed = new HashSet<long>();
        while (true)
        {
            db.ChangeTracker.Clear();
            await using var group = await db.Dialect.Fanout.BeginAsync(db, writeGate, GroupSize, MaxAttempts, failed, null, cancellationToken);
            if (group.Ids.Count == 0)
            {
                break;
            }

            done += await FanOutGroupAsync(group, failed, cancellationToken);
        }

        if (done > 0)
        {
            await wakeups.PublishAsync(Wakeup.Queued, cancellationToken);
        }

        return done;
    }

    /// <summary>Fans out one message again after its cause is fixed: its failed attempts are forgotten and it is tried at
    /// once (a failure counts as its first new attempt).</summary>
    /// <returns>False when the message has no pending notifications (never posted, or already queued).</returns>
    public async Task<bool> RetryAsync(long messageId, CancellationToken cancellationToken)
    {
        var reset = await db.PendingFanouts.Where(f => f.MessageId == messageId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Attempts, 0), cancellationToken);
        if (reset == 0)
        {
            return false;
        }

        db.ChangeTracker.Clear();
        await using (var group = await db.Dialect.Fanout.BeginAsync(db, writeGate, 1, int.MaxValue, new HashSet<long>(), [messageId], cancellationToken))
        {
            await FanOutGroupAsync(group, [], cancellationToken);
        }

        await wakeups.PublishAsync(Wakeup.Queued, cancellationToken);
        return true;
    }

    /// <summary>Posts whose notifications are not queued, oldest first, with where they are and who wrote them: those
    /// given up (<see cref="MaxAttempts"/> failed renderings), or every one still pending with <paramref name="all"/>;
    /// only message <paramref name="messageId"/> when given. What an operator sees (the command line and the web's
    /// quarantine page).</summary>
    public static async Task<List<PendingNotifications>> ListPendingAsync(
        GatewayDbContext db, bool all, long? messageId, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = db.PendingFanouts.AsNoTracking();
        if (!all)
        {
            pending = pending.Where(f => f.Attempts >= MaxAttempts);
        }

        if (messageId is { } only)
        {
            pending = pending.Where(f => f.MessageId == only);
        }

        var query =
            from f in pending
            join m in db.Messages on f.MessageId equals m.Id
            join c in db.Channels on m.ChannelId equals c.Id
            orderby f.MessageId
            select new
            {
                f.MessageId,
                f.CreatedAtUtc,
                f.Attempts,
                f.LastError,
                Channel = c,
                Title = c.Title!,
                AuthorName = m.Author!.Name,
                AuthorEmail = db.UserEmails.Where(e => e.UserId == m.AuthorId).OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id)
                    .Select(e => e.Address).FirstOrDefault(),
            };
        var rows = await (limit is { } most ? query.Take(most) : query).ToListAsync(cancellationToken);
        return rows.Select(r => new PendingNotifications(
            r.MessageId, DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc), r.Attempts, r.LastError, r.Title, r.Channel, r.AuthorName, r.AuthorEmail)).ToList();
    }

    private async Task<int> FanOutGroupAsync(IFanoutGroup group, HashSet<long> failed, CancellationToken cancellationToken)
    {
        var ids = group.Ids;
        var rendered = new Dictionary<long, QueuedNotifications>(ids.Count);
        var errors = new Dictionary<long, string>();
        // What the previous group looked up (audiences, channels, authors, reply tokens) is used again while nothing it
        // read has changed (LookupCache.LookupVersion); the rendering below runs outside the write lock.
        var version = await LookupCache.LookupVersion(db, cancellationToken);
        using var lookups = cache.Begin(version);
        var messages = await db.Messages.AsNoTracking().Include(m => m.Mentions)
            .Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var files = await db.Attachments.AsNoTracking().Where(a => ids.Contains(a.MessageId)).OrderBy(a => a.Id)
            .Select(a => new Attachment
            {
                Id = a.Id, MessageId = a.MessageId, FileName = a.FileName, ContentType = a.ContentType, SizeBytes = a.SizeBytes,
                Sha256 = a.Sha256, Content = Array.Empty<byte>(),
            })
            .ToListAsync(cancellationToken);
        var byId = messages.ToDictionary(m => m.Id);
        foreach (var file in files)
        {
            // A message deleted between the two queries has no row here and nothing to render.
            byId.GetValueOrDefault(file.MessageId)?.Attachments.Add(file);
        }

        var threadsStarted = new HashSet<(int ChannelId, int UserId)>();
        foreach (var message in messages)
        {
            try
            {
                var channel = await CachedRows.ChannelAsync(db, cache, message.ChannelId, cancellationToken)
                    ?? throw new InvalidOperationException($"Channel {message.ChannelId} of message {message.Id} does not exist.");
                if (channel.Title!.IsArchived)
                {
                    // Archived since the post: its pending row goes with nothing queued, so nobody is mailed about it.
                    logger.LogInformation("Message {MessageId}: its title is archived, no notifications", message.Id);
                    rendered[message.Id] = QueuedNotifications.None;
                    continue;
                }

                var author = await CachedRows.UserAsync(db, cache, message.AuthorId, cancellationToken)
                    ?? throw new InvalidOperationException($"Author {message.AuthorId} of message {message.Id} does not exist.");
                // The notification's trace: its fan-out here, each mail's sending (OutboxSender) under it.
                using var fanout = TelemetryHosting.MailSource.StartActivity("notification fan-out", ActivityKind.Producer, parentContext: default);
                fanout?.SetTag("clp.message.id", message.Id);
                var notifications = await outbox.PrepareAsync(message, channel, author, threadsStarted, cancellationToken);
                fanout?.SetTag("clp.outbound.mails", notifications.Mails.Count);
                foreach (var mail in notifications.Mails)
                {
                    mail.TraceParent = fanout?.Id;
                }

                rendered[message.Id] = notifications;
                threadsStarted.UnionWith(notifications.ThreadStarts.Select(t => (t.ChannelId, t.UserId)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Message {MessageId}: its notifications could not be rendered", message.Id);
                errors[message.Id] = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        // The write: claim the rows, queue what was rendered for the claimed ones, record the failures; one commit.
        var claimed = await group.ClaimAsync(ids.Where(id => !errors.ContainsKey(id)).ToList(), cancellationToken);
        // A message deleted since its ids were read has nothing rendered: its row is simply gone.
        var queued = claimed.Where(rendered.ContainsKey).Select(id => rendered[id]).ToList();
        var mails = await InsertAsync(queued, cancellationToken);

        foreach (var (id, error) in errors)
        {
            failed.Add(id);
            await RecordFailureAsync(group, id, error, cancellationToken);
        }

        // Kept for the next group only when nothing the lookups read changed while this group was rendered.
        var unchanged = await LookupCache.LookupVersion(db, cancellationToken) == version;
        await db.SaveChangesAsync(cancellationToken);
        await group.CommitAsync(cancellationToken);
        metrics.Queued(mails);
        db.ChangeTracker.Clear();
        if (unchanged)
        {
            lookups.Keep();
        }

        if (claimed.Count > 0)
        {
            logger.LogInformation("Fanned out {Messages} messages: {Mails} notification mails queued", claimed.Count, mails);
        }

        return claimed.Count;
    }

    /// <summary>Inserts the mails and digest items through one prepared statement each, in the write transaction.</summary>
    /// <returns>The number of mails inserted.</returns>
    private async Task<int> InsertAsync(List<QueuedNotifications> queued, CancellationToken cancellationToken)
    {
        await using var rows = QueuedRows.Prepare(db);
        var count = 0;
        foreach (var notifications in queued)
        {
            foreach (var start in notifications.ThreadStarts)
            {
                if (!await rows.TryStartThreadAsync(start.ChannelId, start.UserId, start.Mail.CreatedAtUtc, cancellationToken))
                {
                    // Another fan-out started this thread since the rendering looked: answer its root instead.
                    start.Mail.Raw = start.AsAnswer();
                }
            }

            foreach (var row in notifications.Mails)
            {
                await rows.InsertMailAsync(row, cancellationToken);
                count++;
            }

            foreach (var row in notifications.DigestItems)
            {
                await rows.InsertDigestItemAsync(row, cancellationToken);
            }
        }

        return count;
    }

    /// <summary>Counts a failed fan-out of message <paramref name="id"/> with its error; at the last attempt the message is
    /// left for an operator, loudly (<c>notifications stuck</c> lists it, <c>notifications retry</c> tries it again).</summary>
    private async Task RecordFailureAsync(IFanoutGroup group, long id, string error, CancellationToken cancellationToken)
    {
        if (await group.RecordFailureAsync(id, error, cancellationToken) is var attempts && attempts == MaxAttempts)
        {
            logger.LogCritical(
                "Message {MessageId}: its notifications failed {Attempts} times and are no longer tried; nobody was mailed. "
                + "Fix the cause, then run: notifications retry {MessageId}. Last error: {Error}",
                id, attempts, id, error);
        }
    }
}

/// <summary>A post whose notifications are not queued (<see cref="NotificationFanout.ListPendingAsync"/>).</summary>
public sealed record PendingNotifications(
    long MessageId, DateTime PostedAtUtc, int Attempts, string? LastError, Title Title, Channel Channel, string AuthorName, string? AuthorEmail)
{
    /// <summary>No fan-out tries it any more (<see cref="NotificationFanout.MaxAttempts"/> failures) until it is retried.</summary>
    public bool GivenUp => Attempts >= NotificationFanout.MaxAttempts;
}
