using System.Globalization;
using System.Text;
using ClpMailGateway.Links;
using ClpMailGateway.Mail;
using ClpMailGateway.Rendering;
using ClpMailGateway.Unsubscribe;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>Writes a digest mail. Pure (given the templates). Its Message-ID <c>&lt;digest-{id}@domain&gt;</c> lets the
/// inbound pipeline recognise a reply to it and refuse it with links to each channel; Reply-To is the gateway mailbox
/// itself (no token), since a digest spans channels. Its own <c>List-Id</c> (<c>digest.domain</c>) and RFC 8058
/// one-click <c>List-Unsubscribe</c> turn digests off.</summary>
public static class DigestComposer
{
    public static MimeMessage Compose(MailOptions mail, MailTemplates templates, DigestContent content)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(content);
        var count = content.Groups.Sum(g => g.Messages.Count);
        var counted = count.ToString(CultureInfo.InvariantCulture);
        var language = content.Language;
        var titles = string.Join(", ", content.Groups.Select(g => g.TitleName).Distinct(StringComparer.Ordinal));
        // "[CLP digest]" opens it in every language, for filters.
        var subject = BidiText.WithoutControls($"{SubjectPrefix} {templates.Text(language, "digest.subject", ("count", counted), ("titles", titles))}");

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.GatewayName, mail.NotificationsFrom));
        message.To.Add(new MailboxAddress(BidiText.WithoutControls(content.Name), content.Address));
        message.ReplyTo.Add(new MailboxAddress(string.Empty, $"{mail.ReplyLocalPart}@{mail.Domain}"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(content.CreatedAtUtc, DateTimeKind.Utc));
        message.MessageId = MailIds.Digest(content.DigestId, mail.Domain);
        var unsubscribeUrl = UnsubscribeTokenCodec.Url(mail.WebBaseUrl, content.UnsubscribeToken);
        message.Headers.Add(new Header(Encoding.UTF8, "List-Id", $"{mail.GatewayName} digest <digest.{mail.Domain}>"));
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>, <mailto:{mail.ReplyLocalPart}@{mail.Domain}?subject=unsubscribe%20{content.UnsubscribeToken}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        LoopMarker.Add(message, mail);
        message.Headers.Add("X-CLP-Reason", "digest");

        var zone = ReaderTime.Zone(content.TimeZone);
        var model = new TemplateModel
        {
            ["subject"] = subject,
            ["preheader"] = templates.Text(language, "digest.intro", ("count", counted)),
            ["name"] = content.Name,
            ["count"] = counted,
            ["settings_url"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.Settings),
            ["unsubscribe_url"] = unsubscribeUrl,
            ["groups"] = content.Groups.Select(g => new TemplateModel
            {
                ["place"] = templates.Place(language, g.TitleName, g.Kind, g.ChannelLanguage, g.ChannelName),
                ["channel_url"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.ChannelPath(g.TitleSlug, g.ChannelKey)),
                ["messages"] = g.Messages.Select(m => new TemplateModel
                {
                    ["author"] = m.AuthorName,
                    ["time"] = ReaderTime.Format(m.CreatedAtUtc, zone),
                    ["text"] = m.Text,
                    ["text_html"] = new TrustedHtml(MessageMarkdown.ToHtml(m.Text)),
                    ["files"] = m.FileCount,
                }).ToList(),
            }).ToList(),
        };
        var (text, html) = templates.Render("digest", language, model);
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        StoredMail.DeclareEightBit(message);
        return message;
    }

    /// <summary>What every digest's subject starts with, whatever its language.</summary>
    public const string SubjectPrefix = "[CLP digest]";
}
