using System.Linq.Expressions;
using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Configurations;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ClpMailGateway.Inbound;

/// <summary>Stores a fetched mail durably before anything else happens to it, idempotent on Message-ID + SHA-256 of the
/// raw bytes: storing the same mail again (after a crash, a redelivery or a UIDVALIDITY resync) finds the first row.</summary>
public sealed class InboundStore(GatewayDbContext db, WriteGate writeGate, TimeProvider timeProvider)
{
    /// <summary>Mails this large or larger are written into their row in chunks rather than as one bound parameter, and
    /// fetched and stored without being held whole (<see cref="StoreStreamedAsync"/>).</summary>
    public const int StreamedBytes = IBlobStore.StreamedBytes;

    /// <summary>The idempotency key and the header columns of a fetched mail: pure work on its bytes, which the poller
    /// does as each batch is fetched, off the path that writes.</summary>
    public static KeyedMail Key(long uid, byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        using var headerStream = new MemoryStream(raw, writable: false);
        var (messageId, from, subject) = Headers(headerStream);
        return new KeyedMail(uid, raw, Convert.ToHexStringLower(SHA256.HashData(raw)), messageId, from, subject);
    }

    /// <summary>Stores a batch of fetched mails in one transaction (one durable commit for the whole batch): the keys of
    /// the whole batch are looked up in one query and the new rows inserted through prepared statements (EF's change
    /// tracking of 200 new rows cost more than SQLite's writing of them); the same mail twice in one batch is one row.
    /// Nothing of the batch is stored unless all of it is.</summary>
    /// <returns>Per mail, in order: the row (a new row keeps the fetched bytes in <see cref="InboundMail.Raw"/>, so it can
    /// be threaded without reading them back; a row found carries every column but its raw bytes) and whether this call
    /// created it.</returns>
    public Task<IReadOnlyList<(InboundMail Mail, bool Created)>> StoreBatchAsync(
        string mailbox, long uidValidity, IReadOnlyList<(long Uid, byte[] Raw)> mails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mails);
        return StoreBatchAsync(mailbox, uidValidity, mails.Select(m => Key(m.Uid, m.Raw)).ToList(), cancellationToken);
    }

    /// <inheritdoc cref="StoreBatchAsync(string, long, IReadOnlyList{ValueTuple{long, byte[]}}, CancellationToken)"/>
    /// <param name="keyed">The mails with their keys (<see cref="Key"/>).</param>
    public async Task<IReadOnlyList<(InboundMail Mail, bool Created)>> StoreBatchAsync(
        string mailbox, long uidValidity, IReadOnlyList<KeyedMail> keyed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyed);
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two processes polling two mailboxes that got the same mail cannot both find it missing and store it.
        await db.Dialect.Locks.LockAllAsync(db, keyed.Select(k => StoreKey(k.MessageId, k.Sha256)).ToList(), cancellationToken);
        var known = await FindAllAsync(keyed.Select(k => (k.MessageId, k.Sha256)).ToList(), cancellationToken);
        var results = new List<(InboundMail, bool)>(keyed.Count);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var insert = RowInsert<InboundMail>.Prepare(db);
        await using var insertRaw = SplitRowInsert.Prepare<InboundMail>(db, InboundMailConfiguration.RawTable);
        foreach (var (uid, raw, sha, messageId, from, subject) in keyed)
        {
            if (known.TryGetValue((messageId, sha), out var existing))
            {
                results.Add((existing, false));
                continue;
            }

            var mail = new InboundMail
            {
                Mailbox = mailbox,
                UidValidity = uidValidity,
                Uid = uid,
                MessageId = messageId,
                Sha256 = sha,
                Raw = raw,
                SizeBytes = raw.LongLength,
                FromAddress = from,
                Subject = subject,
                ReceivedAtUtc = now,
                Attempts = 1, // committed with the row, before the mail is ever parsed (see InboundProcessor)
            };
            var journey = Telemetry.InboundJourneys.Of(raw)?.Activity;
            journey?.AddEvent(new System.Diagnostics.ActivityEvent("stored"));
            InboundTrace.Add(mail, now, "stored", StoredDetail(mailbox, uidValidity, uid, raw.LongLength), journey);
            mail.Id = await insert.ExecuteAsync(mail, cancellationToken);
            // A large mail's bytes are streamed into the row rather than bound as one parameter (which SQLite copies).
            await insertRaw.ExecuteAsync(mail.Id, raw.Length >= StreamedBytes ? [] : raw, cancellationToken);
            if (raw.Length >= StreamedBytes)
            {
                using var source = new MemoryStream(raw, writable: false);
                await db.Dialect.Blobs.WriteAsync(db, BlobColumn.InboundRaw, mail.Id, raw.LongLength, source, cancellationToken);
            }

            known[(messageId, sha)] = mail;
            results.Add((mail, true));
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>The lock key of a mail's idempotency key.</summary>
    private static string StoreKey(string messageId, string sha256) => "inbound-store:" + sha256 + ":" + messageId;

    /// <returns>The row, and whether this call created it. A row found (not created) carries every column but its raw
    /// bytes (<see cref="InboundMail.Raw"/> is empty).</returns>
    public async Task<(InboundMail Mail, bool Created)> StoreAsync(
        string mailbox, long uidValidity, long uid, byte[] raw, CancellationToken cancellationToken) =>
        (await StoreBatchAsync(mailbox, uidValidity, [(uid, raw)], cancellationToken))[0];

    /// <summary>Stores a large mail as it is read from <paramref name="content"/>, in its own transaction, without ever
    /// holding it whole: the row is created first, the bytes are written into it in chunks while they are hashed, then
    /// the idempotency key is checked; a mail already stored rolls the new row back. Nothing is stored unless all
    /// <paramref name="length"/> bytes arrive.</summary>
    /// <returns>The row, and whether this call created it. <see cref="InboundMail.Raw"/> stays empty either way: the
    /// threader reads a streamed mail from its row (<see cref="OpenRaw"/>).</returns>
    /// <exception cref="InvalidDataException">The content was shorter or longer than <paramref name="length"/>.</exception>
    public async Task<(InboundMail Mail, bool Created)> StoreStreamedAsync(
        string mailbox, long uidValidity, long uid, long length, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A streamed mail is stored in a transaction of its own.");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var mail = new InboundMail
        {
            Mailbox = mailbox,
            UidValidity = uidValidity,
            Uid = uid,
            // Placeholders, unique and never committed: the key is known once the bytes are in.
            MessageId = string.Empty,
            Sha256 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Raw = [],
            SizeBytes = length,
            ReceivedAtUtc = now,
            Attempts = 1, // committed with the row, before the mail is ever parsed (see InboundProcessor)
        };
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.InboundMails.Add(mail);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            var sha = await db.Dialect.Blobs.WriteAsync(db, BlobColumn.InboundRaw, mail.Id, length, content, cancellationToken);
            string messageId;
            await using (var stored = OpenRaw(db, mail.Id))
            {
                (messageId, mail.FromAddress, mail.Subject) = Headers(stored);
            }

            await db.Dialect.Locks.LockAsync(db, StoreKey(messageId, sha), cancellationToken);
            if (await FindAsync(messageId, sha, cancellationToken) is { } existing)
            {
                await transaction.RollbackAsync(cancellationToken);
                return (existing, false);
            }

            mail.MessageId = messageId;
            mail.Sha256 = sha;
            InboundTrace.Add(mail, now, "stored", StoredDetail(mailbox, uidValidity, uid, length));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (mail, true);
        }
        finally
        {
            // Never left tracked: a row rolled back (a duplicate, or the content failed midway and the poller fetches the
            // mail whole instead) gives its Id back to the database (SQLite), and the next mail stored in this context may get it.
            db.Entry(mail).State = EntityState.Detached;
        }
    }

    /// <summary>A read-only stream over the raw bytes of stored mail <paramref name="id"/>, read from the database as it
    /// is read (the DbContext's connection must stay open meanwhile).</summary>
    public static Stream OpenRaw(GatewayDbContext db, long id) =>
        db.Dialect.Blobs.OpenRead(db, BlobColumn.InboundRaw, id);

    /// <summary>Every column of a stored mail but its raw bytes (<see cref="InboundMail.Raw"/> empty): what is read of a
    /// row whose bytes are not needed, or may be large and are read from the row as a stream (<see cref="OpenRaw"/>).</summary>
    public static readonly Expression<Func<InboundMail, InboundMail>> WithoutRaw = m => new InboundMail
    {
        Id = m.Id,
        Mailbox = m.Mailbox,
        UidValidity = m.UidValidity,
        Uid = m.Uid,
        MessageId = m.MessageId,
        Sha256 = m.Sha256,
        Raw = Array.Empty<byte>(),
        SizeBytes = m.SizeBytes,
        FromAddress = m.FromAddress,
        Subject = m.Subject,
        ReceivedAtUtc = m.ReceivedAtUtc,
        Status = m.Status,
        Kind = m.Kind,
        Reason = m.Reason,
        ReasonDetail = m.ReasonDetail,
        PostedMessageId = m.PostedMessageId,
        UserId = m.UserId,
        ChannelId = m.ChannelId,
        ProcessedAtUtc = m.ProcessedAtUtc,
        MovedAtUtc = m.MovedAtUtc,
        Attempts = m.Attempts,
        Trace = m.Trace,
        RawRemovedAtUtc = m.RawRemovedAtUtc,
    };

    /// <summary>The row stored under this key, without its raw bytes.</summary>
    private Task<InboundMail?> FindAsync(string messageId, string sha, CancellationToken cancellationToken) =>
        db.InboundMails.AsNoTracking().Where(m => m.MessageId == messageId && m.Sha256 == sha).Select(WithoutRaw).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The rows stored under these keys, without their raw bytes: one query by Message-ID (the prefix of the
    /// key's index), each mail without one on its own (many rows may share the empty Message-ID).</summary>
    private async Task<Dictionary<(string MessageId, string Sha), InboundMail>> FindAllAsync(
        IReadOnlyList<(string MessageId, string Sha)> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.ToHashSet();
        var messageIds = wanted.Where(k => k.MessageId.Length > 0).Select(k => k.MessageId).Distinct().ToList();
        var rows = messageIds.Count == 0
            ? []
            : await db.InboundMails.AsNoTracking().Where(m => messageIds.Contains(m.MessageId)).Select(WithoutRaw).ToListAsync(cancellationToken);
        var found = rows.Where(r => wanted.Contains((r.MessageId, r.Sha256))).ToDictionary(r => (r.MessageId, r.Sha256));
        foreach (var key in wanted.Where(k => k.MessageId.Length == 0))
        {
            if (await FindAsync(key.MessageId, key.Sha, cancellationToken) is { } row)
            {
                found[key] = row;
            }
        }

        return found;
    }

    private static string StoredDetail(string mailbox, long uidValidity, long uid, long bytes) =>
        $"{mailbox} uid {uid} (uidvalidity {uidValidity}), {bytes} bytes";

    private static (string MessageId, string? From, string? Subject) Headers(Stream stream)
    {
        try
        {
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

/// <summary>A fetched mail with its idempotency key (SHA-256 of its bytes and its Message-ID) and header columns.</summary>
public sealed record KeyedMail(long Uid, byte[] Raw, string Sha256, string MessageId, string? FromAddress, string? Subject);
