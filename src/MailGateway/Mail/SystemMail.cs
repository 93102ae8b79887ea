using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using MimeKit;

namespace ClpMailGateway.Mail;

/// <summary>The gateway's own automatic mails to one person (sign-in links, address confirmations, rejections): their
/// common headers, and queueing one in the outbox in the caller's unit of work.</summary>
public static class SystemMail
{
    /// <summary>A mail from the gateway, marked automatic (RFC 3834 <c>Auto-Submitted</c>, and Outlook's auto-reply
    /// suppression so an out-of-office does not answer it).</summary>
    public static MimeMessage Create(MailOptions options, MailboxAddress to, string subject, DateTime nowUtc, string autoSubmitted = "auto-generated")
    {
        ArgumentNullException.ThrowIfNull(options);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.GatewayName, options.NotificationsFrom));
        message.To.Add(to);
        message.Subject = subject;
        message.Date = new DateTimeOffset(nowUtc, TimeSpan.Zero);
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(options.Domain);
        message.Headers.Add("Auto-Submitted", autoSubmitted);
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        LoopMarker.Add(message, options);
        return message;
    }

    /// <summary>Adds <paramref name="message"/> to the outbox (unsaved: it commits with whatever caused it).</summary>
    public static async Task QueueAsync(
        GatewayDbContext db, MimeMessage message, string purpose, string toAddress, string envelopeFrom, string? rateKey, DateTime nowUtc,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer, cancellationToken);
        db.OutboundMails.Add(new OutboundMail
        {
            Purpose = purpose,
            ToAddress = toAddress,
            EnvelopeFrom = envelopeFrom,
            RateKey = rateKey,
            Raw = buffer.ToArray(),
            CreatedAtUtc = nowUtc,
            NextAttemptAtUtc = nowUtc,
        });
    }
}
