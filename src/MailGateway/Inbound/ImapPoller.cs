using ClpMailGateway.MailAuth;
using System.IO.Pipelines;
using System.Threading.Channels;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
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
    MailLogins logins,
    InboundStore store,
    InboundProcessor processor,
    LookupCache cache,
    IMailboxLocks locks,
    IWakeups wakeups,
    IInboundFaults faults,
    IOptions<ImapOptions> options,
    InboundMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ImapPoller> logger)
{
    /// <summary>Raw bytes fetched per batch, at most (a larger mail is fetched alone).</summary>
    public const long BatchBytes = 16L * 1024 * 1024;

    /// <summary>Bytes per partial fetch of a streamed mail, and at most in flight between the fetch and the store.</summary>
    public const int StreamChunkBytes = 1024 * 1024;

    /// <summary>Mails this large or larger are fetched alone in partial chunks and stored as they arrive
    /// (<see cref="InboundStore.StoreStreamedAsync"/>), never held whole. A smaller mail is fetched whole within a batch of
    /// at most <see cref="BatchBytes"/>: streaming costs a transaction (a durable commit) of its own for the store, the
    /// checkpoint and the threading, and a round trip per chunk, too much for the 1 to 4 MB mails of a typical ingest
    /// (a reply with a document).</summary>
    public const int StreamedFetchBytes = 4 * 1024 * 1024;

    /// <summary>When each UID to fetch arrived in the mailbox (its INTERNALDATE), read with the sizes before the fetch.</summary>
    private readonly Dictionary<UniqueId, DateTime> _arrivals = [];

    public async Task<PollSummary> PollAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            var summary = await PollOnceAsync(cancellationToken);
            metrics.Polled(timeProvider.GetElapsedTime(started), null);
            return summary;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.Polled(timeProvider.GetElapsedTime(started), ex);
            throw;
        }
    }

    private async Task<PollSummary> PollOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var mailboxKey = $"{settings.Username}/{settings.Mailbox}";
        // One poller per mailbox at a time, in every process on the database: another that finds it polled threads what
        // is stored and pending instead (claimed mail by mail), and leaves the mailbox to the holder.
        await using var polling = await locks.TryAcquireAsync("poll:" + mailboxKey, cancellationToken);
        if (polling is null)
        {
            var threaded = await processor.ProcessPendingAsync(cancellationToken);
            return PollSummary.Threaded(mailboxKey, threaded);
        }

        // One database connection held for the whole poll: then what the lookup cache read for one group of mails can be
        // used by the next (see LookupCache).
        await using var held = await cache.HoldAsync(db, cancellationToken);
        using var client = await ImapConnector.ConnectAsync(settings, logins.Imap, cancellationToken);
        var processed = await ImapConnector.EnsureFolderAsync(client, settings.ProcessedFolder, cancellationToken);
        var rejected = await ImapConnector.EnsureFolderAsync(client, settings.RejectedFolder, cancellationToken);
        var inbox = await ImapConnector.OpenMailboxAsync(client, settings.Mailbox, FolderAccess.ReadWrite, cancellationToken);
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
        var batches = await PlanBatchesAsync(inbox, uids, settings.BatchSize, _arrivals, cancellationToken);
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
                IReadOnlyList<(InboundMail Mail, bool Created)> rows;
                List<UniqueId> batchUids;
                Task<ParsedAhead>? early = null;
                if (batch.Streamed is { } streamed)
                {
                    await using (streamed.Content)
                    {
                        try
                        {
                            rows = [await store.StoreStreamedAsync(mailboxKey, validity, streamed.Uid.Id, streamed.Length, streamed.Content, cancellationToken)];
                        }
                        catch (WholeFetchNeededException)
                        {
                            continue; // nothing of it stored: the fetcher sends it again, whole, as the next batch
                        }
                    }

                    batchUids = [streamed.Uid];
                }
                else
                {
                    rows = await store.StoreBatchAsync(mailboxKey, validity, batch.Mails.Select(m => m.Keyed).ToList(), cancellationToken);
                    batchUids = batch.Mails.Select(m => m.Uid).ToList();
                    // The first group is parsed while the checkpoint is saved (on other threads). Not before the store:
                    // storing a mail commits its first attempt, and a mail is never parsed before an attempt is
                    // committed, so that one whose parse ends the process is counted and, past the limit, quarantined.
                    early = processor.ParseEarly(rows.Where(r => r.Created).Select(r => r.Mail.Raw), cancellationToken);
                }

                metrics.Fetched(rows.Count);
                var created = new List<InboundMail>(rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    var uid = batchUids[i];
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
                if (created.Count > 0)
                {
                    // Other processes thread stored mails too (each claims its own), while this one fetches the next batch.
                    await wakeups.PublishAsync(Wakeup.Stored, cancellationToken);
                }

                metrics.Stored(created.Count);
                tried.UnionWith(created.Select(m => m.Id));
                handled.AddRange(await processor.ProcessStoredAsync(created, early, cancellationToken));
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

        // Stamped by every poll that read the mailbox to its end, new mail or not: readiness (PollHealthCheck) reads it.
        checkpoint.UpdatedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
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
    private Task MarkMovedAsync(List<long> ids, DateTime now, string detail, CancellationToken cancellationToken) =>
        db.Dialect.Inbound.MarkMovedAsync(db, ids, now, InboundTrace.Entry(now, "moved", detail), cancellationToken);

    /// <summary>Splits the new UIDs into batches of at most <paramref name="batchSize"/> mails and about
    /// <see cref="BatchBytes"/> bytes, from their sizes (one FETCH of RFC822.SIZE). A mail of
    /// <see cref="StreamedFetchBytes"/> or more goes alone, to be streamed.</summary>
    private static async Task<List<PlannedBatch>> PlanBatchesAsync(
        IMailFolder inbox, List<UniqueId> uids, int batchSize, Dictionary<UniqueId, DateTime> arrivals, CancellationToken cancellationToken)
    {
        var batches = new List<PlannedBatch>();
        if (uids.Count == 0)
        {
            return batches;
        }

        var summaries = await inbox.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, cancellationToken);
        var sizes = summaries.ToDictionary(s => s.UniqueId, s => (long)(s.Size ?? 0));
        foreach (var summary in summaries)
        {
            if (summary.InternalDate is { } arrived)
            {
                arrivals[summary.UniqueId] = arrived.UtcDateTime;
            }
        }

        var current = new List<UniqueId>();
        long bytes = 0;
        foreach (var uid in uids)
        {
            var size = sizes.GetValueOrDefault(uid);
            var streamed = size is >= StreamedFetchBytes and < int.MaxValue;
            if (current.Count > 0 && (streamed || current.Count >= batchSize || bytes + size > BatchBytes))
            {
                batches.Add(new PlannedBatch([.. current], 0));
                current.Clear();
                bytes = 0;
            }

            if (streamed)
            {
                batches.Add(new PlannedBatch([uid], size));
                continue;
            }

            current.Add(uid);
            bytes += size;
        }

        if (current.Count > 0)
        {
            batches.Add(new PlannedBatch([.. current], 0));
        }

        return batches;
    }

    /// <summary>The producer: fetches each planned batch in full with one FETCH (BODY.PEEK[] of all its UIDs) and hands it
    /// on, or hands a large mail on as a stream that it fills chunk by chunk. UIDs expunged meanwhile are simply missing
    /// from their batch.</summary>
    private async Task FetchBatchesAsync(IMailFolder inbox, List<PlannedBatch> batches, ChannelWriter<FetchedBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var batch in batches)
            {
                if (batch.StreamedLength > 0)
                {
                    await FetchStreamedAsync(inbox, batch.Uids[0], batch.StreamedLength, writer, cancellationToken);
                }
                else
                {
                    await FetchWholeAsync(inbox, batch.Uids, writer, cancellationToken);
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task FetchWholeAsync(IMailFolder inbox, UniqueId[] uids, ChannelWriter<FetchedBatch> writer, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow().UtcDateTime;
        var mails = await FetchBatchAsync(inbox, uids, cancellationToken);
        foreach (var mail in mails)
        {
            InboundJourneys.Fetched(mail.Raw, mail.Uid.Id, started, _arrivals.TryGetValue(mail.Uid, out var arrived) ? arrived : null);
            faults.At(InboundStep.Fetched, mail.Uid.Id);
        }

        await writer.WriteAsync(new FetchedBatch(mails, uids[^1].Id, null), cancellationToken);
    }

    /// <summary>Hands one large mail on as a stream and fills it with partial fetches (BODY.PEEK[]&lt;offset.count&gt;)
    /// of <see cref="StreamChunkBytes"/>, so that neither MailKit nor the gateway ever holds the whole mail: the store
    /// writes each chunk into the mail's row as it arrives. A mail whose bytes do not match its RFC822.SIZE, or that is
    /// gone, is abandoned (the store rolls back what it wrote) and fetched whole instead.</summary>
    private async Task FetchStreamedAsync(IMailFolder inbox, UniqueId uid, long length, ChannelWriter<FetchedBatch> writer, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: StreamChunkBytes, resumeWriterThreshold: StreamChunkBytes / 2, useSynchronizationContext: false));
        await writer.WriteAsync(new FetchedBatch([], uid.Id, new StreamedMail(uid, length, pipe.Reader.AsStream())), cancellationToken);
        try
        {
            for (long offset = 0; offset < length;)
            {
                var count = (int)Math.Min(StreamChunkBytes, length - offset);
                offset += await FetchChunkAsync(inbox, uid, (int)offset, count, offset + count == length, pipe.Writer, cancellationToken);
            }

            faults.At(InboundStep.Fetched, uid.Id);
        }
        catch (WholeFetchNeededException ex)
        {
            await pipe.Writer.CompleteAsync(ex);
            logger.LogWarning("UID {Uid}: {Problem}; fetched whole instead", uid.Id, ex.Message);
            await FetchWholeAsync(inbox, [uid], writer, cancellationToken);
            return;
        }
        catch (Exception ex)
        {
            await pipe.Writer.CompleteAsync(ex);
            throw;
        }

        await pipe.Writer.CompleteAsync();
    }

    /// <summary>Fetches <paramref name="count"/> bytes of the mail from <paramref name="offset"/> into the pipe; the last
    /// chunk asks for one byte more, which a mail longer than its announced size returns.</summary>
    private static async Task<int> FetchChunkAsync(
        IMailFolder inbox, UniqueId uid, int offset, int count, bool last, PipeWriter pipe, CancellationToken cancellationToken)
    {
        Stream chunk;
        try
        {
            chunk = await inbox.GetStreamAsync(uid, offset, last ? count + 1 : count, cancellationToken);
        }
        catch (MessageNotFoundException)
        {
            throw new WholeFetchNeededException("the mail is gone from the mailbox");
        }

        await using (chunk)
        {
            var received = 0;
            int read;
            while ((read = await chunk.ReadAsync(pipe.GetMemory(64 * 1024), cancellationToken)) > 0)
            {
                var kept = Math.Min(read, count - received);
                received += read;
                if (kept > 0)
                {
                    pipe.Advance(kept);
                    if ((await pipe.FlushAsync(cancellationToken)).IsCompleted)
                    {
                        throw new OperationCanceledException("The store stopped reading the mail.");
                    }
                }
            }

            return received == count
                ? count
                : throw new WholeFetchNeededException($"{(received < count ? "fewer" : "more")} bytes than its RFC822.SIZE from offset {offset}");
        }
    }

    private static async Task<List<FetchedMail>> FetchBatchAsync(IMailFolder inbox, UniqueId[] uids, CancellationToken cancellationToken)
    {
        var mails = new List<FetchedMail>(uids.Length);
        if (inbox is ImapFolder imap)
        {
            await imap.GetStreamsAsync(uids, async (_, _, uid, stream, token) => mails.Add(Fetched(uid, await ReadAllAsync(stream, token))), cancellationToken);
        }
        else
        {
            foreach (var uid in uids)
            {
                await using var stream = await inbox.GetStreamAsync(uid, cancellationToken);
                mails.Add(Fetched(uid, await ReadAllAsync(stream, cancellationToken)));
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

    /// <summary>A mail fetched whole, with its idempotency key, computed here on the fetcher's thread rather than on the
    /// path that stores and threads.</summary>
    private static FetchedMail Fetched(UniqueId uid, byte[] raw) => new(uid, raw, InboundStore.Key(uid.Id, raw));

    private sealed record FetchedMail(UniqueId Uid, byte[] Raw, KeyedMail Keyed);

    /// <summary>A large mail on its way: <paramref name="Content"/> gives its bytes as they are fetched.</summary>
    private sealed record StreamedMail(UniqueId Uid, long Length, Stream Content);

    /// <summary>Mails fetched whole, or one streamed mail.</summary>
    private sealed record FetchedBatch(List<FetchedMail> Mails, long LastUid, StreamedMail? Streamed);

    /// <summary>UIDs to fetch together, or one mail of <paramref name="StreamedLength"/> bytes to stream (0: fetch whole).</summary>
    private sealed record PlannedBatch(UniqueId[] Uids, long StreamedLength);

    /// <summary>A streamed mail that must be fetched whole instead (its size was not what the server announced, or it
    /// is gone); thrown to the store through the stream, which rolls the mail back.</summary>
    private sealed class WholeFetchNeededException(string message) : Exception(message);

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
