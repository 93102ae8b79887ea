using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Called by <c>MessagePoster</c> inside the posting transaction: resolves the recipients of a new message and writes one
/// rendered outbox row per immediate recipient and one digest item per digest recipient, on the same DbContext, so the
/// message and its mails are committed together or not at all. Batched: a fixed number of queries whatever the
/// audience (recipients, one query for the channel's reply tokens and one bulk insert of the missing ones).
/// </summary>
public sealed class NotificationOutbox(
    GatewayDbContext db,
    ReplyTokenService replyTokens,
    LookupCache cache,
    IOptions<MailOptions> mailOptions,
    IOptions<NotificationOptions> notificationOptions,
    IOptions<ReplyTokenOptions> tokenOptions,
    TimeProvider timeProvider,
    ILogger<NotificationOutbox> logger)
{
    /// <summary>The <see cref="LookupCache"/> kind of a channel's audience (which includes whether each address is
    /// suppressed).</summary>
    public const string AudienceKind = "audience";

    /// <returns>How many notifications and digest items were queued.</returns>
    public Task<(int Immediate, int Digest)> EnqueueAsync(Message message, Channel channel, User author, CancellationToken cancellationToken) =>
        EnqueueAsync(message, channel, author, save: true, cancellationToken);

    /// <param name="save">False: the rows are added to the DbContext and the caller saves them (in its transaction).</param>
    /// <returns>How many notifications and digest items were queued.</returns>
    public async Task<(int Immediate, int Digest)> EnqueueAsync(Message message, Channel channel, User author, bool save, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(author);
        var mentioned = message.Mentions.Select(m => m.UserId).Order().ToList();
        var audience = await cache.GetAsync(
            AudienceKind,
            $"{channel.Id}:{string.Join(',', mentioned)}",
            () => RecipientLoader.LoadAsync(db, channel, mentioned, cancellationToken));
        var recipients = RecipientResolver.Resolve(channel.Kind, channel.Language, author.Id, audience);
        if (recipients.Count == 0)
        {
            return (0, 0);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var immediate = recipients.Where(r => r.Delivery == DeliveryMode.Immediate).ToList();
        var digest = recipients.Where(r => r.Delivery == DeliveryMode.Digest).ToList();
        db.DigestItems.AddRange(digest.Select(r => new DigestItem { UserId = r.UserId, MessageId = message.Id, CreatedAtUtc = now }));

        var mail = mailOptions.Value;
        var settings = notificationOptions.Value;
        var templates = MailTemplates.Shipped(settings.Language);
        var content = NotificationContent.From(message, channel, channel.Title!, author);
        var tokens = await replyTokens.IssueManyAsync(channel.Id, immediate.Select(r => r.UserId).ToList(), cancellationToken);
        var envelopeFrom = $"{mail.ReplyLocalPart}@{mail.Domain}";
        var fileBytes = content.Files.Sum(f => f.SizeBytes);
        var attachBelow = fileBytes * immediate.Count <= settings.AttachedCopiesBudgetBytes ? settings.AttachFilesBelowBytes : 0;

        // Attached files by reference: the sender fills them in from their rows (AttachedFiles).
        var shared = new NotificationRendering { ByReference = true };
        foreach (var recipient in immediate)
        {
            var unsubscribe = UnsubscribeTokenCodec.Encode(tokenOptions.Value, recipient.UserId, channel.Kind);
            var mime = NotificationComposer.Compose(mail, templates, content, recipient, tokens[recipient.UserId], unsubscribe, attachBelow, shared);
            // In memory: the synchronous writer avoids an await per part and buffer.
            using var buffer = new MemoryStream(4096);
            mime.WriteTo(buffer, cancellationToken);
            db.OutboundMails.Add(new OutboundMail
            {
                Purpose = OutboundPurposes.Notification,
                ToAddress = recipient.Address,
                EnvelopeFrom = envelopeFrom,
                Raw = buffer.ToArray(),
                CreatedAtUtc = now,
                NextAttemptAtUtc = now,
            });
        }

        if (save)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation(
            "Message {MessageId}: {Immediate} notifications queued, {Digest} digest items", message.Id, immediate.Count, digest.Count);
        return (immediate.Count, digest.Count);
    }
}
