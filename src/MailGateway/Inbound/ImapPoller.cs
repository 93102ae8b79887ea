using System.Threading.Channels;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>
/// One poll of the gateway mailbox, exactly once end to end: fetch the UIDs above the stored (mailbox, UIDVALIDITY,
/// last UID) checkpoint, a batch per FETCH; store each batch's raw mails durably in one transaction (idempotent on
/// Message-ID + SHA-256); only then advance the checkpoint; thread the batch's mails (several per transaction, each
/// atomic with its post in its own savepoint) while the next batch is fetched; then move the handled mails to
/// Processed or Rejected. A UIDVALIDITY change restarts from UID 1 and the idempotent store keeps anything from being
/// posted twice.
/// </summary>
public sealed class ImapPoller(
    GatewayDbContext db,
    InboundStore store,
    InboundProcessor processor,
    IInboundFaults faults,
    IOptions<ImapOptions> options,
    TimeProvider timeProvider,
    ILogger<ImapPoller> logger)
{
    /// <summary>Raw bytes fetched per batch, at most (a larger mail is fetched alone).</summary>
    public const long BatchBytes = 16L * 1024 * 1024;

    public async Task<PollSummary> PollAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var client = await ImapConnector.ConnectAsync(settings, cancellationToken);
        var processed = await ImapConnector.EnsureFolderAsync(client, settings.ProcessedFolder, cancellationToken);
        var rejected = await ImapConnector.EnsureFolderAsync(client, settings.RejectedFolder, cancellationToken);
        var inbox = await ImapConnector.OpenMailboxAsync(client, settings.Mailbox, FolderAccess.ReadWrite, cancellationToken);
        var mailboxKey = $"{settings.Username}/{settings.Mailbox}";
        var validity = (long)inbox.UidValidity;

        var checkpoint = await db.MailboxCheckpoints.SingleOrDefaultAsync(c => c.Mailbox == mailboxKey, cancellationToken);
        var resynced = false;
        if (checkpoint is null)
        {
            checkpoint = new MailboxCheckpoint { Mailbox = mailboxKey, UidValidity = validity };
            db.MailboxCheckpoints.Add(checkpoint);
        }
        else if (checkpoint.UidValidity != validity)
        {
            logger.LogWarning(
                "UIDVALIDITY of {Mailbox} changed from {Old} to {New}: resyncing from UID 1 (stored mails are not posted again)",
                mailboxKey, checkpoint.UidValidity, validity);
            checkpoint.UidValidity = validity;
            checkpoint.LastUid = 0;
            resynced = true;
        }

        var lastUid = checkpoint.LastUid;
        var found = await inbox.SearchAsync(SearchQuery.Uids(new UniqueIdRange((uint)validity, (uint)lastUid + 1, uint.MaxValue)), cancellationToken);
        var uids = found.Where(u => u.Id > lastUid).OrderBy(u => u.Id).ToList();
        var batches = await PlanBatchesAsync(inbox, uids, settings.BatchSize, cancellationToken);
        int stored = 0, duplicates = 0;
        var duplicateUids = new List<UniqueId>();
        var handled = new List<InboundStatus>(uids.Count);
        var tried = new HashSet<long>();

        // Fetching the next batch (IMAP) overlaps storing and threading this one (SQLite): one batch waits at most, so
        // at most three batches of raw mail are in memory. The database is written by this loop alone.
        var fetched = System.Threading.Channels.Channel.CreateBounded<FetchedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stopFetching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fetcher = Task.Run(() => FetchBatchesAsync(inbox, batches, fetched.Writer, stopFetching.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in fetched.Reader.ReadAllAsync(cancellationToken))
            {
                var rows = await store.StoreBatchAsync(mailboxKey, validity, batch.Mails.Select(m => ((long)m.Uid.Id, m.Raw)).ToList(), cancellationToken);
                var created = new List<InboundMail>(rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    var uid = batch.Mails[i].Uid;
                    var (row, isNew) = rows[i];
                    faults.At(InboundStep.Stored, uid.Id);
                    if (isNew)
                    {
                        stored++;
                        created.Add(row);
                    }
                    else if (row.Mailbox == mailboxKey && row.UidValidity == validity && row.Uid == uid.Id)
                    {
                        // The same message fetched again after a crash before the checkpoint: its own row moves it.
                        logger.LogInformation("UID {Uid} in {Mailbox} was stored before the last crash: not stored again", uid.Id, mailboxKey);
                    }
                    else
                    {
                        duplicates++;
                        duplicateUids.Add(uid);
                        logger.LogInformation("UID {Uid} in {Mailbox} is a mail already stored: not stored again", uid.Id, mailboxKey);
                    }
                }

                if (db.Entry(checkpoint).State == EntityState.Detached)
                {
                    db.MailboxCheckpoints.Attach(checkpoint);
                }

                checkpoint.LastUid = batch.LastUid;
                checkpoint.UpdatedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(cancellationToken);
                faults.At(InboundStep.CheckpointSaved, batch.LastUid);

                tried.UnionWith(created.Select(m => m.Id));
                handled.AddRange(await processor.ProcessStoredAsync(created, cancellationToken));
            }
        }
        finally
        {
            await stopFetching.CancelAsync();
            await fetcher.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // A fetch failure (or a crash injected there) surfaces here, after every batch fetched before it is done.
        await fetcher;

        if (db.Entry(checkpoint).State == EntityState.Detached)
        {
            db.MailboxCheckpoints.Attach(checkpoint);
        }

        await db.SaveChangesAsync(cancellationToken);

        // Mails stored before a crash, and mails whose threading failed in an earlier poll.
        handled.AddRange(await processor.ProcessPendingAsync(tried, cancellationToken));
        var moved = await MoveHandledAsync(inbox, processed, rejected, mailboxKey, validity, duplicateUids, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);

        var summary = new PollSummary(
            mailboxKey,
            validity,
            resynced,
            uids.Count,
            stored,
            duplicates,
            handled.Count(s => s == InboundStatus.Posted),
            handled.Count(s => s == InboundStatus.Ignored),
            handled.Count(s => s == InboundStatus.Rejected),
            moved);
        if (summary.Fetched > 0 || summary.Posted + summary.Ignored + summary.Rejected > 0)
        {
            logger.LogInformation(
                "Polled {Mailbox}: fetched {Fetched}, stored {Stored}, duplicates {Duplicates}, posted {Posted}, ignored {Ignored}, rejected {Rejected}, moved {Moved}",
                mailboxKey, summary.Fetched, summary.Stored, summary.Duplicates, summary.Posted, summary.Ignored, summary.Rejected, summary.Moved);
        }

        return summary;
    }

    /// <summary>Closes the move step of these mails and appends it to their stored trace, in one statement.</summary>
    private async Task MarkMovedAsync(List<long> ids, DateTime now, string detail, CancellationToken cancellationToken)
    {
        var at = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var idList = System.Text.Json.JsonSerializer.Serialize(ids);
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE InboundMails
            SET MovedAtUtc = {now}, Trace = json_insert(Trace, '$[#]', json_object('at', {at}, 'step', 'moved', 'detail', {detail}))
            WHERE Id IN (SELECT value FROM json_each({idList}))
            """,
            cancellationToken);
    }

    /// <summary>Splits the new UIDs into batches of at most <paramref name="batchSize"/> mails and about
    /// <see cref="BatchBytes"/> bytes (a larger mail goes alone), from their sizes (one FETCH of RFC822.SIZE).</summary>
    private static async Task<List<UniqueId[]>> PlanBatchesAsync(IMailFolder inbox, List<UniqueId> uids, int batchSize, CancellationToken cancellationToken)
    {
        var batches = new List<UniqueId[]>();
        if (uids.Count == 0)
        {
            return batches;
        }

        var sizes = (await inbox.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken))
            .ToDictionary(s => s.UniqueId, s => (long)(s.Size ?? 0));
        var current = new List<UniqueId>();
        long bytes = 0;
        foreach (var uid in uids)
        {
            var size = sizes.GetValueOrDefault(uid);
            if (current.Count > 0 && (current.Count >= batchSize || bytes + size > BatchBytes))
            {
                batches.Add([.. current]);
                current.Clear();
                bytes = 0;
            }

            current.Add(uid);
            bytes += size;
        }

        batches.Add([.. current]);
        return batches;
    }

    /// <summary>The producer: fetches each planned batch in full with one FETCH (BODY.PEEK[] of all its UIDs) and hands it
    /// on. UIDs expunged meanwhile are simply missing from their batch.</summary>
    private async Task FetchBatchesAsync(IMailFolder inbox, List<UniqueId[]> batches, ChannelWriter<FetchedBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var batch in batches)
            {
                var mails = await FetchBatchAsync(inbox, batch, cancellationToken);
                foreach (var mail in mails)
                {
                    faults.At(InboundStep.Fetched, mail.Uid.Id);
                }

                await writer.WriteAsync(new FetchedBatch(mails, batch[^1].Id), cancellationToken);
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private static async Task<List<FetchedMail>> FetchBatchAsync(IMailFolder inbox, UniqueId[] uids, CancellationToken cancellationToken)
    {
        var mails = new List<FetchedMail>(uids.Length);
        if (inbox is ImapFolder imap)
        {
            await imap.GetStreamsAsync(uids, async (_, _, uid, stream, token) => mails.Add(new FetchedMail(uid, await ReadAllAsync(stream, token))), cancellationToken);
        }
        else
        {
            foreach (var uid in uids)
            {
                await using var stream = await inbox.GetStreamAsync(uid, cancellationToken);
                mails.Add(new FetchedMail(uid, await ReadAllAsync(stream, cancellationToken)));
            }
        }

        mails.Sort((a, b) => a.Uid.Id.CompareTo(b.Uid.Id));
        return mails;
    }

    /// <summary>The stream's bytes in one array of the exact size (one copy) when its length is known.</summary>
    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            var raw = new byte[stream.Length - stream.Position];
            await stream.ReadExactlyAsync(raw, cancellationToken);
            return raw;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private sealed record FetchedMail(UniqueId Uid, byte[] Raw);

    private sealed record FetchedBatch(List<FetchedMail> Mails, long LastUid);

    /// <summary>Moves the mails that are threaded (of this mailbox and UIDVALIDITY) out of the inbox: Rejected ones to
    /// the Rejected folder, the others to Processed. Mails left behind by a crash are moved on the next poll.</summary>
    private async Task<int> MoveHandledAsync(
        IMailFolder inbox, IMailFolder processed, IMailFolder rejected, string mailboxKey, long validity,
        List<UniqueId> duplicateUids, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var toMove = await db.InboundMails
            .Where(m => m.Mailbox == mailboxKey && m.MovedAtUtc == null && m.Status != InboundStatus.Pending)
            .Select(m => new { m.Id, m.Uid, m.UidValidity, m.Status })
            .ToListAsync(cancellationToken);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var moved = 0;
        foreach (var group in toMove.Where(m => m.UidValidity == validity).GroupBy(m => m.Status == InboundStatus.Rejected))
        {
            var uids = group.Select(m => new UniqueId((uint)validity, (uint)m.Uid)).ToList();
            await inbox.MoveToAsync(uids, group.Key ? rejected : processed, cancellationToken);
            moved += uids.Count;
            await MarkMovedAsync(group.Select(m => m.Id).ToList(), now, "moved to " + (group.Key ? rejected.FullName : processed.FullName), cancellationToken);
            faults.At(InboundStep.Moved, group.Max(m => m.Uid));
        }

        // Mails stored under an older UIDVALIDITY cannot be addressed by their UID any more; after the resync they came
        // back as duplicates (moved below), so only the record is closed.
        var stale = toMove.Where(m => m.UidValidity != validity).Select(m => m.Id).ToList();
        if (stale.Count > 0)
        {
            await MarkMovedAsync(stale, now, "not moved: the mailbox's UIDVALIDITY changed since it was fetched", cancellationToken);
        }

        if (duplicateUids.Count > 0)
        {
            await inbox.MoveToAsync(duplicateUids, processed, cancellationToken);
            moved += duplicateUids.Count;
        }

        return moved;
    }
}
