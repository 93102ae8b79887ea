using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ClpMailGateway.Inbound;

/// <summary>Stores a fetched mail durably before anything else happens to it, idempotent on Message-ID + SHA-256 of the
/// raw bytes: storing the same mail again (after a crash, a redelivery or a UIDVALIDITY resync) finds the first row.</summary>
public sealed class InboundStore(GatewayDbContext db, TimeProvider timeProvider)
{
    /// <returns>The row, and whether this call created it.</returns>
    public async Task<(InboundMail Mail, bool Created)> StoreAsync(
        string mailbox, long uidValidity, long uid, byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        var (messageId, from, subject) = Headers(raw);
        var existing = await db.InboundMails.AsNoTracking()
            .SingleOrDefaultAsync(m => m.MessageId == messageId && m.Sha256 == sha, cancellationToken);
        if (existing is not null)
        {
            return (existing, false);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
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
        };
        InboundTrace.Add(mail, now, "stored", $"{mailbox} uid {uid} (uidvalidity {uidValidity}), {raw.LongLength} bytes");
        db.InboundMails.Add(mail);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(mail).State = EntityState.Detached;
        return (mail, true);
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
