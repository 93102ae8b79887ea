using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>
/// One poll of the gateway mailbox, exactly once end to end: fetch the UIDs above the stored (mailbox, UIDVALIDITY,
/// last UID) checkpoint; store each raw mail durably (idempotent on Message-ID + SHA-256); only then advance the
/// checkpoint; thread every pending mail (each in one transaction with its post); then move the handled mails to
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
        int stored = 0, duplicates = 0;
        var duplicateUids = new List<UniqueId>();
        foreach (var batch in uids.Chunk(settings.BatchSize))
        {
            foreach (var uid in batch)
            {
                var raw = await FetchRawAsync(inbox, uid, cancellationToken);
                faults.At(InboundStep.Fetched, uid.Id);
                var (row, created) = await store.StoreAsync(mailboxKey, validity, uid.Id, raw, cancellationToken);
                faults.At(InboundStep.Stored, uid.Id);
                if (created)
                {
                    stored++;
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

            checkpoint.LastUid = batch[^1].Id;
            checkpoint.UpdatedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            faults.At(InboundStep.CheckpointSaved, batch[^1].Id);
        }

        await db.SaveChangesAsync(cancellationToken);
        var handled = await processor.ProcessPendingAsync(cancellationToken);
        var moved = await MoveHandledAsync(inbox, processed, rejected, mailboxKey, validity, duplicateUids, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);

        var summary = new PollSummary(
            mailboxKey,
            validity,
            resynced,
            uids.Count,
            stored,
            duplicates,
            handled.Count(m => m.Status == InboundStatus.Posted),
            handled.Count(m => m.Status == InboundStatus.Ignored),
            handled.Count(m => m.Status == InboundStatus.Rejected),
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

    private static async Task<byte[]> FetchRawAsync(IMailFolder inbox, UniqueId uid, CancellationToken cancellationToken)
    {
        await using var stream = await inbox.GetStreamAsync(uid, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

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
