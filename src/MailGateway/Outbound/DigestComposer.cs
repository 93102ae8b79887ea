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
        var titles = string.Join(", ", content.Groups.Select(g => g.TitleName).Distinct(StringComparer.Ordinal));
        var subject = string.Create(CultureInfo.InvariantCulture, $"[CLP digest] {count} new {(count == 1 ? "message" : "messages")} in {titles}");

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.GatewayName, mail.NotificationsFrom));
        message.To.Add(new MailboxAddress(content.Name, content.Address));
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
            ["name"] = content.Name,
            ["count"] = count.ToString(CultureInfo.InvariantCulture),
            ["settingsUrl"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.Settings),
            ["unsubscribeUrl"] = unsubscribeUrl,
            ["groups"] = content.Groups.Select(g => new TemplateModel
            {
                ["title"] = g.TitleName,
                ["channel"] = g.ChannelName,
                ["channelUrl"] = WebRoutes.Absolute(mail.WebBaseUrl, WebRoutes.ChannelPath(g.TitleSlug, g.ChannelKey)),
                ["messages"] = g.Messages.Select(m => new TemplateModel
                {
                    ["author"] = m.AuthorName,
                    ["time"] = ReaderTime.Format(m.CreatedAtUtc, zone),
                    ["text"] = Describe(m),
                    ["textHtml"] = new TrustedHtml(MessageMarkdown.ToHtml(m.Text)),
                    ["hasFiles"] = m.FileCount == 0 ? [] : new List<TemplateModel> { new() { ["files"] = FilesNote(m.FileCount) } },
                }).ToList(),
            }).ToList(),
        };
        message.Body = new BodyBuilder
        {
            TextBody = templates.Render("digest.txt", model),
            HtmlBody = templates.Render("digest.html", model),
        }.ToMessageBody();
        StoredMail.DeclareEightBit(message);
        return message;
    }

    private static string FilesNote(int count) => count switch
    {
        0 => string.Empty,
        1 => "(1 file)",
        _ => string.Create(CultureInfo.InvariantCulture, $"({count} files)"),
    };

    private static string Describe(DigestEntry entry)
    {
        var files = FilesNote(entry.FileCount);
        return entry.Text.Length == 0 ? files : files.Length == 0 ? entry.Text : entry.Text + "\n" + files;
    }
}
