using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ClpMailGateway.Inbound;

/// <summary>Stores a fetched mail durably before anything else happens to it, idempotent on Message-ID + SHA-256 of the
/// raw bytes: storing the same mail again (after a crash, a redelivery or a UIDVALIDITY resync) finds the first row.</summary>
public sealed class InboundStore(GatewayDbContext db, TimeProvider timeProvider)
{
    /// <summary>Mails this large or larger are written into their row in chunks rather than as one bound parameter.</summary>
    public const int StreamedBytes = 1024 * 1024;

    private const int BlobChunkBytes = 256 * 1024;

    /// <summary>Stores a batch of fetched mails in one transaction (one durable commit for the whole batch). Each mail is
    /// still looked up and inserted on its own, inside the transaction, so the same mail twice in one batch is one row.
    /// Nothing of the batch is stored unless all of it is.</summary>
    /// <returns>Per mail, in order: the row (a new row keeps the fetched bytes in <see cref="InboundMail.Raw"/>, so it can
    /// be threaded without reading them back) and whether this call created it.</returns>
    public async Task<IReadOnlyList<(InboundMail Mail, bool Created)>> StoreBatchAsync(
        string mailbox, long uidValidity, IReadOnlyList<(long Uid, byte[] Raw)> mails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mails);
        var results = new List<(InboundMail, bool)>(mails.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (uid, raw) in mails)
        {
            results.Add(await StoreAsync(mailbox, uidValidity, uid, raw, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <returns>The row, and whether this call created it. A row found (not created) carries its key, place and status
    /// but not its raw bytes (<see cref="InboundMail.Raw"/> is empty).</returns>
    public async Task<(InboundMail Mail, bool Created)> StoreAsync(
        string mailbox, long uidValidity, long uid, byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        var (messageId, from, subject) = Headers(raw);
        // The key columns only: an existing row's raw bytes are not needed (and may be large).
        var existing = await db.InboundMails.AsNoTracking()
            .Where(m => m.MessageId == messageId && m.Sha256 == sha)
            .Select(m => new { m.Id, m.Mailbox, m.UidValidity, m.Uid, m.Status, m.SizeBytes, m.FromAddress, m.Subject, m.ReceivedAtUtc })
            .SingleOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return (new InboundMail
            {
                Id = existing.Id,
                Mailbox = existing.Mailbox,
                UidValidity = existing.UidValidity,
                Uid = existing.Uid,
                MessageId = messageId,
                Sha256 = sha,
                Raw = [],
                SizeBytes = existing.SizeBytes,
                FromAddress = existing.FromAddress,
                Subject = existing.Subject,
                ReceivedAtUtc = existing.ReceivedAtUtc,
                Status = existing.Status,
            }, false);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var mail = new InboundMail
        {
            Mailbox = mailbox,
            UidValidity = uidValidity,
            Uid = uid,
            MessageId = messageId,
            Sha256 = sha,
            // A large mail's bytes are streamed into the row below rather than bound as one parameter (which SQLite copies).
            Raw = raw.Length >= StreamedBytes ? [] : raw,
            SizeBytes = raw.LongLength,
            FromAddress = from,
            Subject = subject,
            ReceivedAtUtc = now,
        };
        InboundTrace.Add(mail, now, "stored", $"{mailbox} uid {uid} (uidvalidity {uidValidity}), {raw.LongLength} bytes");
        db.InboundMails.Add(mail);
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(mail).State = EntityState.Detached;
        if (raw.Length >= StreamedBytes)
        {
            await WriteRawAsync(mail.Id, raw, cancellationToken);
            mail.Raw = raw;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return (mail, true);
    }

    /// <summary>Writes the raw bytes into the stored row in chunks (SQLite incremental blob I/O), in the current
    /// transaction, so SQLite never holds its own copy of the whole mail.</summary>
    private async Task WriteRawAsync(long id, byte[] raw, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"UPDATE InboundMails SET Raw = zeroblob({raw.Length}) WHERE Id = {id}", cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var blob = new SqliteBlob(connection, "InboundMails", nameof(InboundMail.Raw), id);
        for (var offset = 0; offset < raw.Length; offset += BlobChunkBytes)
        {
            await blob.WriteAsync(raw.AsMemory(offset, Math.Min(BlobChunkBytes, raw.Length - offset)), cancellationToken);
        }
    }

    private static (string MessageId, string? From, string? Subject) Headers(byte[] raw)
    {
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            var headers = HeaderList.Load(stream);
            var messageId = headers[HeaderId.MessageId] is { } value ? MimeKit.Utils.MimeUtils.EnumerateReferences(value).FirstOrDefault() ?? value.Trim() : string.Empty;
            var from = headers[HeaderId.From] is { } f && InternetAddressList.TryParse(f, out var list)
                ? list.Mailboxes.FirstOrDefault()?.Address
                : null;
            return (Truncate(messageId, 998), from is null ? null : Truncate(from, 320), headers[HeaderId.Subject] is { } s ? Truncate(s.Trim(), 998) : null);
        }
        catch (FormatException)
        {
            return (string.Empty, null, null);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
