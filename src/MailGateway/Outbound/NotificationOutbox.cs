using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Renders the notifications of one posted message (<see cref="NotificationFanout"/> calls it for each pending message):
/// resolves its recipients, and gives one rendered outbox row per immediate recipient and one digest item per digest
/// recipient, without adding them to the DbContext, so that a message whose rendering fails leaves nothing behind. The
/// reply tokens it issues are added to the DbContext unsaved (a live token is valid whether or not a mail carries it).
/// Batched: a fixed number of queries whatever the audience (recipients, one query for the channel's reply tokens).
/// </summary>
public sealed class NotificationOutbox(
    GatewayDbContext db,
    ReplyTokenService replyTokens,
    LookupCache cache,
    IOptions<MailOptions> mailOptions,
    IOptions<NotificationOptions> notificationOptions,
    IOptions<ReplyTokenOptions> tokenOptions,
    MailTemplates templates,
    TimeProvider timeProvider)
{
    /// <summary>The <see cref="LookupCache"/> kind of a channel's audience (which includes whether each address is
    /// suppressed).</summary>
    public const string AudienceKind = "audience";

    /// <summary>The notification mails and digest items of <paramref name="message"/> (with its attachments, without
    /// their content, and its mentions) as of now.</summary>
    public Task<QueuedNotifications> PrepareAsync(Message message, Channel channel, User author, CancellationToken cancellationToken) =>
        PrepareAsync(message, channel, author, new HashSet<(int ChannelId, int UserId)>(), cancellationToken);

    /// <param name="threadsStarted">The (channel, user) threads that notifications rendered before this one, not yet
    /// saved, start: a recipient in it gets an answer to the thread root, not a second root.</param>
    public async Task<QueuedNotifications> PrepareAsync(
        Message message, Channel channel, User author, IReadOnlySet<(int ChannelId, int UserId)> threadsStarted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(author);
        var mentioned = message.Mentions.Select(m => m.UserId).Order().ToList();
        var audience = await cache.GetAsync(
            AudienceKind,
            $"{channel.Id}:{string.Join(',', mentioned)}",
            () => RecipientLoader.LoadAsync(db, channel, mentioned, includeFollowers: true, notificationOptions.Value.Language, cancellationToken));
        audience = await RecipientLoader.WithSuppressionAsync(db, audience, cancellationToken);
        var recipients = RecipientResolver.Resolve(channel.Kind, channel.Language, author.Id, audience);
        if (recipients.Count == 0)
        {
            return QueuedNotifications.None;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var immediate = recipients.Where(r => r.Delivery == DeliveryMode.Immediate).ToList();
        var digest = recipients.Where(r => r.Delivery == DeliveryMode.Digest).ToList();
        var digestItems = digest.Select(r => new DigestItem { UserId = r.UserId, MessageId = message.Id, CreatedAtUtc = now }).ToList();

        var mail = mailOptions.Value;
        var settings = notificationOptions.Value;
        var content = NotificationContent.From(message, channel, channel.Title!, author);
        var immediateIds = immediate.Select(r => r.UserId).ToList();
        var tokens = await replyTokens.IssueManyAsync(channel.Id, immediateIds, cancellationToken);
        var threaded = (await db.MailThreads.AsNoTracking().Where(t => t.ChannelId == channel.Id && immediateIds.Contains(t.UserId))
            .Select(t => t.UserId).ToListAsync(cancellationToken)).ToHashSet();
        var fileBytes = content.Files.Sum(f => f.SizeBytes);
        var attachBelow = fileBytes * immediate.Count <= settings.AttachedCopiesBudgetBytes ? settings.AttachFilesBelowBytes : 0;

        // Attached files by reference: the sender fills them in from their rows (AttachedFiles).
        var shared = new NotificationRendering { ByReference = true };
        var mails = new List<OutboundMail>(immediate.Count);
        var starts = new List<ThreadStart>();
        foreach (var each in immediate)
        {
            var recipient = each with { StartsThread = !threaded.Contains(each.UserId) && !threadsStarted.Contains((channel.Id, each.UserId)) };
            var unsubscribe = UnsubscribeTokenCodec.Encode(tokenOptions.Value, UnsubscribeTarget.ForChannel(recipient.UserId, channel.Id));
            var token = tokens[recipient.UserId];
            // The mail as composed for this recipient, from the message's stamp (composed and written once per reason).
            var stamp = shared.Stamp(
                recipient, () => NotificationComposer.Stamp(mail, templates, content, recipient, token, unsubscribe, attachBelow, shared));
            var row = new OutboundMail
            {
                Purpose = OutboundPurposes.Notification,
                ToAddress = recipient.Address,
                // Its own return path: a bounce proves which mail and recipient it is about (VERP).
                EnvelopeFrom = ReturnPaths.Create(mail, tokenOptions.Value),
                Raw = stamp.Write(content, recipient, token, unsubscribe),
                CreatedAtUtc = now,
                NextAttemptAtUtc = now,
            };
            mails.Add(row);
            if (recipient.StartsThread)
            {
                starts.Add(new ThreadStart(channel.Id, recipient.UserId, row, () => stamp.Write(content, recipient with { StartsThread = false }, token, unsubscribe)));
            }
        }

        return new QueuedNotifications(mails, digestItems) { ThreadStarts = starts };
    }
}

/// <summary>What one message's fan-out queues: rendered notification mails and digest items, not yet added.</summary>
public sealed record QueuedNotifications(IReadOnlyList<OutboundMail> Mails, IReadOnlyList<DigestItem> DigestItems)
{
    public static QueuedNotifications None { get; } = new([], []);

    /// <summary>The mails among <see cref="Mails"/> that start their recipient's thread of the channel.</summary>
    public IReadOnlyList<ThreadStart> ThreadStarts { get; init; } = [];
}

/// <summary>A notification written as the thread root of a channel for a user (<see cref="MailThread"/>). When the thread
/// turns out to be started already (another process queued a root first), the mail is written again by
/// <see cref="AsAnswer"/>, as an answer to that root.</summary>
public sealed record ThreadStart(int ChannelId, int UserId, OutboundMail Mail, Func<byte[]> AsAnswer);
