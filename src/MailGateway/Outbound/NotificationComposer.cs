using System.Globalization;
using System.Text;
using ClpMailGateway.Links;
using ClpMailGateway.Mail;
using ClpMailGateway.Posting;
using ClpMailGateway.Rendering;
using ClpMailGateway.Unsubscribe;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Writes the notification mail of one message for one recipient. Pure (given the templates). Headers:
/// <c>From: "Author via CLP" &lt;notifications@domain&gt;</c>, <c>Reply-To: reply+TOKEN@domain</c>, one stable subject
/// per conversation (<c>[Title] Channel</c>, the channel named in the reader's language; the message's first words open
/// the body instead), the body in the reader's language (<see cref="Recipient.Language"/>), a stable
/// <c>Message-ID</c> per message and recipient (the channel's thread root for its first notification to the recipient),
/// <c>In-Reply-To</c>/<c>References</c> naming that root on every later one plus a <c>&lt;reply-TOKEN@domain&gt;</c>
/// entry, <c>List-Id</c> per channel, RFC 8058 one-click <c>List-Unsubscribe</c> for the channel,
/// <c>Auto-Submitted: auto-generated</c>, <c>X-Auto-Response-Suppress: All</c> and <c>X-CLP-Reason</c>.
/// </summary>
public static class NotificationComposer
{
    /// <summary>How much of the message opens the body (the preview mail clients show beside the subject).</summary>
    public const int PreviewLength = 100;

    public static MimeMessage Compose(
        MailOptions mail,
        MailTemplates templates,
        NotificationContent content,
        Recipient recipient,
        string replyToken,
        string unsubscribeToken,
        long attachFilesBelowBytes) =>
        Compose(mail, templates, content, recipient, replyToken, unsubscribeToken, attachFilesBelowBytes, null);

    /// <summary>As the overload without <paramref name="shared"/>; with it, the bodies and encoded files are made once
    /// for all the recipients of one message (the same <paramref name="content"/> and <paramref name="attachFilesBelowBytes"/>)
    /// and the mail is the same.</summary>
    public static MimeMessage Compose(
        MailOptions mail,
        MailTemplates templates,
        NotificationContent content,
        Recipient recipient,
        string replyToken,
        string unsubscribeToken,
        long attachFilesBelowBytes,
        NotificationRendering? shared)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var unsubscribeUrl = UnsubscribeTokenCodec.Url(mail.WebBaseUrl, unsubscribeToken);
        var links = (unsubscribeUrl, MailTemplates.EscapeHtml(unsubscribeUrl));
        return ComposeWithLinks(mail, templates, content, recipient, replyToken, unsubscribeToken, attachFilesBelowBytes, shared, links);
    }

    /// <summary>The written notifications of one message for one reason, from <paramref name="first"/>'s mail with markers
    /// where each recipient's unsubscribe link goes (<see cref="NotificationStamp"/>).</summary>
    public static NotificationStamp Stamp(
        MailOptions mail, MailTemplates templates, NotificationContent content, Recipient first, string replyToken, string unsubscribeToken,
        long attachFilesBelowBytes, NotificationRendering shared)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(shared);
        var markers = (NotificationStamp.TextMarker(shared.Marker), NotificationStamp.HtmlMarker(shared.Marker));
        // Composed as an answer to the thread root, so the stamp has a place for In-Reply-To; a recipient whose
        // notification starts the thread is written without it.
        using var template = ComposeWithLinks(
            mail, templates, content, first with { StartsThread = false }, replyToken, unsubscribeToken, attachFilesBelowBytes, shared, markers);
        // The bodies as rendered for this reason (cached by the compose above): each marker in them is a link to fill in.
        var (text, html) = shared.Bodies(first, () => throw new InvalidOperationException("The bodies were not rendered."));
        var links = text.AsSpan().Count(shared.Marker) + html.AsSpan().Count(shared.Marker);
        return NotificationStamp.Create(template, mail, shared.Marker, links);
    }

    /// <summary>The values of the headers that differ between the recipients of one message (for one reason): To,
    /// Reply-To, Message-Id, In-Reply-To (the thread root; none for the notification that starts the thread), References
    /// (the root and the token reference) and List-Unsubscribe (the RFC 8058 one-click link and a mailto).</summary>
    internal static RecipientHeaderValues RecipientValues(MailOptions mail, NotificationContent content, Recipient recipient, string replyToken, string unsubscribeToken)
    {
        var domain = mail.Domain;
        var unsubscribeUrl = UnsubscribeTokenCodec.Url(mail.WebBaseUrl, unsubscribeToken);
        var root = MailIds.ThreadRoot(content.ChannelId, recipient.UserId, domain);
        return new RecipientHeaderValues(
            new MailboxAddress(BidiText.WithoutControls(recipient.Name), recipient.Address),
            mail.ReplyAddress(replyToken),
            recipient.StartsThread ? root : MailIds.Notification(content.MessageId, recipient.UserId, domain),
            recipient.StartsThread ? null : root,
            MailIds.TokenReference(mail.ReplyLocalPart, replyToken, domain),
            unsubscribeUrl,
            $"<{unsubscribeUrl}>, <mailto:{mail.ReplyLocalPart}@{domain}?subject=unsubscribe%20{unsubscribeToken}>");
    }

    /// <summary>Sets To, Reply-To, Message-Id, In-Reply-To and References (not List-Unsubscribe, which goes later in a
    /// composed mail) to a recipient's values, on a message that has none of them yet (or had them cleared).</summary>
    internal static void SetRecipientHeaders(MimeMessage message, RecipientHeaderValues own)
    {
        message.To.Add(own.To);
        message.ReplyTo.Add(new MailboxAddress(string.Empty, own.ReplyTo));
        message.MessageId = own.MessageId;
        message.InReplyTo = own.ThreadRoot;
        if (own.ThreadRoot is not null)
        {
            message.References.Add(own.ThreadRoot);
        }

        message.References.Add(own.TokenReference);
    }

    /// <summary>The mail, with <paramref name="unsubscribeLink"/> where the unsubscribe link goes in the text and HTML bodies.</summary>
    private static MimeMessage ComposeWithLinks(
        MailOptions mail, MailTemplates templates, NotificationContent content, Recipient recipient, string replyToken, string unsubscribeToken,
        long attachFilesBelowBytes, NotificationRendering? shared, (string Text, string Html) unsubscribeLink)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(recipient);
        var domain = mail.Domain;
        var subject = Subject(content, templates, recipient.Language);
        var attach = content.Files.Count > 0 && content.Files.Sum(f => f.SizeBytes) < attachFilesBelowBytes;

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"{BidiText.WithoutControls(content.AuthorName)} via CLP", mail.NotificationsFrom));
        message.Subject = subject;
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(content.CreatedAtUtc, DateTimeKind.Utc));
        var own = RecipientValues(mail, content, recipient, replyToken, unsubscribeToken);
        SetRecipientHeaders(message, own);
        message.Headers.Add(new Header(Encoding.UTF8, "List-Id", $"{content.TitleName} · {content.ChannelName} <{content.ChannelKey}.{content.TitleSlug}.{domain}>"));
        message.Headers.Add(NotificationStamp.ListUnsubscribeField, own.ListUnsubscribe);
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        LoopMarker.Add(message, mail);
        message.Headers.Add("X-CLP-Reason", recipient.Reason == RecipientReason.Mention ? "mention" : "follower");

        (string Text, string Html) Render(string unsubscribeLinkText) => BodyTexts(mail, templates, content, recipient, subject, unsubscribeLinkText, attach, shared);
        var marker = shared?.Marker ?? NotificationRendering.NewMarker();
        var (text, html) = shared is null ? Render(marker) : shared.Bodies(recipient, () => Render(marker));
        var textBody = text.Replace(marker, unsubscribeLink.Text, StringComparison.Ordinal);
        var htmlBody = html.Replace(marker, unsubscribeLink.Html, StringComparison.Ordinal);

        var body = new BodyBuilder { TextBody = textBody, HtmlBody = htmlBody };
        if (attach)
        {
            foreach (var file in content.Files)
            {
                var type = ContentType.TryParse(file.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
                if (shared is { ByReference: true })
                {
                    // A part that stands for the file's row, filled in when the mail is sent. Base64 there, which
                    // message/* may not use (RFC 2046 5.2.1): such a file goes as octet-stream, named as it is.
                    var reference = new MimePart(type.MediaType.Equals("message", StringComparison.OrdinalIgnoreCase) ? new ContentType("application", "octet-stream") : type)
                    {
                        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                        FileName = file.FileName,
                    };
                    AttachedFiles.MarkReference(reference, file.Id);
                    body.Attachments.Add(reference);
                    continue;
                }

                var part = body.Attachments.Add(file.FileName, file.Content, type);
                if (shared is not null && part is MimePart mimePart)
                {
                    shared.ShareEncoded(file.Id, mimePart);
                }
            }
        }

        message.Body = body.ToMessageBody();
        StoredMail.DeclareEightBit(message);
        return message;
    }

    private static (string Text, string Html) BodyTexts(
        MailOptions mail, MailTemplates templates, NotificationContent content, Recipient recipient, string subject, string unsubscribeUrl, bool attach,
        NotificationRendering? shared)
    {
        var language = recipient.Language;
        var (preview, complete) = Preview(content, templates, language);
        var previewLine = $"{BidiText.Isolate(content.AuthorName)}: {preview}";
        var model = new TemplateModel
        {
            ["subject"] = subject,
            ["preheader"] = previewLine,
            ["preview"] = previewLine,
            ["author"] = content.AuthorName,
            ["time"] = ReaderTime.Format(content.CreatedAtUtc, recipient.TimeZone),
            ["title"] = content.TitleName,
            ["place"] = templates.Place(language, content.TitleName, content.Kind, content.ChannelLanguage, content.ChannelName),
            ["text"] = content.Text,
            ["text_html"] = new TrustedHtml(shared?.TextHtml(content.Text) ?? MessageMarkdown.ToHtml(content.Text)),
            // The text again in full below its preview line, unless the preview line already holds all of it.
            ["has_more"] = !complete,
            ["has_text"] = content.Text.Length > 0,
            ["channel_url"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.MessagePath(content.TitleSlug, content.ChannelKey, content.MessageId)),
            ["settings_url"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.Settings),
            ["unsubscribe_url"] = unsubscribeUrl,
            ["mention"] = recipient.Reason == RecipientReason.Mention,
            ["files"] = content.Files.Select(f => new TemplateModel
            {
                ["name"] = f.FileName,
                ["size"] = PostingLimits.Describe(f.SizeBytes),
                ["attached"] = attach,
                ["url"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.AttachmentPath(f.Id)),
            }).ToList(),
        };

        return templates.Render("notification", language, model);
    }

    /// <summary>The channel's name in <paramref name="language"/> ("Interne", "Fournisseur · Deutsch (de)").</summary>
    public static string ChannelName(MailTemplates templates, NotificationContent content, string language)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(content);
        return templates.ChannelName(language, content.Kind, content.ChannelLanguage) ?? content.ChannelName;
    }

    /// <summary><c>[Title] Channel</c>, the channel named in the reader's language: the same for every message of a
    /// conversation, so mail clients keep one thread per channel; the bracketed title opens it in every language.
    /// Without bidirectional controls (no header can isolate them).</summary>
    public static string Subject(NotificationContent content, MailTemplates templates, string language)
    {
        ArgumentNullException.ThrowIfNull(content);
        return BidiText.WithoutControls($"[{content.TitleName}] {ChannelName(templates, content, language)}");
    }

    /// <summary>The message's first words on one line, and whether they are the whole message.</summary>
    internal static (string Preview, bool Complete) Preview(NotificationContent content, MailTemplates templates, string language)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(templates);
        var words = string.Join(' ', content.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (words.Length == 0)
        {
            var files = content.Files.Count == 1
                ? content.Files[0].FileName
                : templates.Text(language, "notification.file_count", ("count", content.Files.Count.ToString(CultureInfo.InvariantCulture)));
            return (files, true);
        }

        if (words.Length <= PreviewLength)
        {
            return (words, !content.Text.Contains('\n', StringComparison.Ordinal));
        }

        var cut = words.LastIndexOf(' ', PreviewLength);
        return (words[..(cut > PreviewLength / 2 ? cut : PreviewLength)].TrimEnd(',', ';', ':', '.', ' ') + "…", false);
    }
}

/// <summary>What differs between the notifications of one message's recipients (<see cref="NotificationComposer.RecipientValues"/>).</summary>
/// <param name="ThreadRoot">The root this notification answers; null for the one that starts the thread.</param>
internal readonly record struct RecipientHeaderValues(
    MailboxAddress To, string ReplyTo, string MessageId, string? ThreadRoot, string TokenReference, string UnsubscribeUrl, string ListUnsubscribe);
