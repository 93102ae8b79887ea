using ClpMailGateway.Domain;
using ClpMailGateway.Localization;
using ClpMailGateway.Mail;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using ClpMailGateway.Unsubscribe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Turns waiting digest items into one digest mail per user, grouped by title and channel, queued in the outbox. Each
/// user's digest is written in one transaction (digest row, outbox row, items marked), so a crash never loses an item
/// nor puts it in two digests. What changed since posting is checked again: a user who lost access to a channel, turned
/// its kind Off, muted it or its title, was deactivated or whose address is suppressed does not get those messages (the
/// items are dropped). Several processes may run it at once: each user's digest is written by the one that holds the
/// user's lock for its transaction.
/// </summary>
public sealed class DigestSender(
    GatewayDbContext db,
    IOptions<MailOptions> mailOptions,
    IOptions<NotificationOptions> notificationOptions,
    IOptions<ReplyTokenOptions> tokenOptions,
    MailTemplates templates,
    TimeProvider timeProvider,
    ILogger<DigestSender> logger)
{
    /// <returns>How many digests were queued.</returns>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var userIds = await db.DigestItems.AsNoTracking().Where(i => i.DigestId == null)
            .Select(i => i.UserId).Distinct().ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var userId in userIds)
        {
            if (await SendForUserAsync(userId, cancellationToken))
            {
                queued++;
            }
        }

        return queued;
    }

    private async Task<bool> SendForUserAsync(int userId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // One process writes a user's digest at a time; another passes the user over (the holder takes every item).
        if (!await db.Dialect.Locks.TryLockAsync(db, $"digest:{userId}", cancellationToken))
        {
            return false;
        }

        var items = await db.DigestItems.Where(i => i.UserId == userId && i.DigestId == null).ToListAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Include(u => u.Settings).Include(u => u.Emails).Include(u => u.Languages)
            .SingleAsync(u => u.Id == userId, cancellationToken);
        var address = user.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault();
        var suppressed = address is not null
            && await db.AddressHealth.AnyAsync(a => a.Address == address && a.SuppressedAtUtc != null, cancellationToken);

        var messageIds = items.Select(i => i.MessageId).ToList();
        var messages = await db.Messages.AsNoTracking()
            .Include(m => m.Author).Include(m => m.Channel).ThenInclude(c => c!.Title)
            .Where(m => messageIds.Contains(m.Id))
            .ToListAsync(cancellationToken);
        var fileCounts = await db.Attachments.AsNoTracking().Where(a => messageIds.Contains(a.MessageId))
            .GroupBy(a => a.MessageId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        var settings = user.Settings ?? new UserSettings();
        var mutedChannels = (await db.ChannelMutes.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.ChannelId).ToListAsync(cancellationToken)).ToHashSet();
        var mutedTitles = (await db.TitleMutes.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.TitleId).ToListAsync(cancellationToken)).ToHashSet();
        var readers = new Dictionary<int, ReaderContext>();
        var kept = new List<(Message Message, int Files)>();
        if (user.IsActive && address is not null && !suppressed)
        {
            foreach (var message in messages)
            {
                var channel = message.Channel!;
                if (!readers.TryGetValue(channel.TitleId, out var reader))
                {
                    reader = await AccessContextLoader.LoadAsync(db, userId, channel.TitleId, cancellationToken);
                    readers[channel.TitleId] = reader;
                }

                // An archived title's waiting items are dropped with the digest's others that are not sent.
                if (!channel.Title!.IsArchived && settings.DeliveryFor(channel.Kind) != DeliveryMode.Off && !mutedChannels.Contains(channel.Id) && !mutedTitles.Contains(channel.TitleId)
                    && ChannelPolicy.Decide(reader, channel.Kind, channel.Language).CanRead)
                {
                    kept.Add((message, fileCounts.GetValueOrDefault(message.Id)));
                }
            }
        }

        var keptIds = kept.Select(k => k.Message.Id).ToHashSet();
        db.DigestItems.RemoveRange(items.Where(i => !keptIds.Contains(i.MessageId)));
        if (kept.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var groups = kept
            .GroupBy(k => k.Message.ChannelId)
            .Select(g => g.OrderBy(k => k.Message.CreatedAtUtc).ThenBy(k => k.Message.Id).ToList())
            .OrderBy(g => g[0].Message.Channel!.Title!.Name, StringComparer.Ordinal).ThenBy(g => g[0].Message.Channel!.Key, StringComparer.Ordinal)
            .Select(g => new DigestGroup(
                g[0].Message.Channel!.Title!.Name,
                g[0].Message.Channel!.Title!.Slug,
                g[0].Message.ChannelId,
                g[0].Message.Channel!.Key,
                ChannelNames.Display(g[0].Message.Channel!),
                g.Select(k => new DigestEntry(k.Message.Id, k.Message.Author!.Name, k.Message.CreatedAtUtc, k.Message.Text, k.Files)).ToList())
            {
                Kind = g[0].Message.Channel!.Kind,
                ChannelLanguage = g[0].Message.Channel!.Language,
            })
            .ToList();

        var digest = new Digest
        {
            UserId = userId,
            ToAddress = address!,
            ChannelIds = string.Join(',', groups.Select(g => g.ChannelId)),
            MessageCount = kept.Count,
            CreatedAtUtc = now,
        };
        db.Digests.Add(digest);
        await db.SaveChangesAsync(cancellationToken);

        var mail = mailOptions.Value;
        var mime = DigestComposer.Compose(mail, templates,
            new DigestContent(digest.Id, userId, user.Name, address!, now, groups, UnsubscribeTokenCodec.Encode(
                tokenOptions.Value, UnsubscribeTarget.ForDigest(userId, Enum.GetValues<ChannelKind>().Where(k => settings.DeliveryFor(k) == DeliveryMode.Digest))),
                settings.TimeZone, MailLanguages.ForUser(user, notificationOptions.Value.Language)));
        using var buffer = new MemoryStream();
        await mime.WriteToAsync(buffer, cancellationToken);
        db.OutboundMails.Add(new OutboundMail
        {
            Purpose = OutboundPurposes.Digest,
            ToAddress = address!,
            EnvelopeFrom = ReturnPaths.Create(mail, tokenOptions.Value),
            Raw = buffer.ToArray(),
            CreatedAtUtc = now,
            NextAttemptAtUtc = now,
        });
        foreach (var item in items.Where(i => keptIds.Contains(i.MessageId)))
        {
            item.DigestId = digest.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Digest {DigestId} for user {UserId}: {Count} messages in {Channels} channels", digest.Id, userId, kept.Count, groups.Count);
        return true;
    }
}
