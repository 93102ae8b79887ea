using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Rendering;
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

    /// <summary>What the subject of every mail of the gateway's own starts with, whatever its language, for filters.</summary>
    public const string SubjectPrefix = "[CLP]";

    /// <summary>A mail of the gateway's own of <paramref name="kind"/> (a <see cref="MailTemplates.Kinds"/> template) in
    /// <paramref name="language"/>: its subject is <see cref="SubjectPrefix"/> and the language's <c>{kind}.subject</c>
    /// with <paramref name="subjectValues"/>, its text and HTML parts the templates with <paramref name="model"/>.</summary>
    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string kind, string language, MailboxAddress to, TemplateModel model, DateTime nowUtc,
        (string Name, string Value)[] subjectValues, string autoSubmitted = "auto-generated")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(model);
        var subject = BidiText.WithoutControls($"{SubjectPrefix} {templates.Text(language, kind + ".subject", subjectValues)}");
        var message = Create(options, new MailboxAddress(BidiText.WithoutControls(to.Name ?? string.Empty), to.Address), subject, nowUtc, autoSubmitted);
        model["subject"] = subject;
        model["gateway"] = options.GatewayName;
        model["web_url"] = options.WebBaseUrl;
        var (text, html) = templates.Render(kind, language, model);
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        Outbound.StoredMail.DeclareEightBit(message);
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
