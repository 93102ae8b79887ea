using MimeKit;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>Reply mails as mail clients write them.</summary>
public static class Mails
{
    /// <summary>A Gmail-style top-posted reply with the quoted notification below.</summary>
    public static MimeMessage Reply(string from, string to, string newText, params (string Name, byte[] Content)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Re: [Blue Harbor S2 · Vendor] " + Guid.NewGuid().ToString("N")[..8];
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Date = DateTimeOffset.UtcNow;
        var text = new TextPart("plain")
        {
            Text = newText + "\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n> Please check the timeline.\n> Thanks\n",
        };
        if (attachments.Length == 0)
        {
            message.Body = text;
            return message;
        }

        var mixed = new Multipart("mixed") { text };
        foreach (var (name, content) in attachments)
        {
            mixed.Add(new MimePart(MimeKit.MimeTypes.GetMimeType(name))
            {
                Content = new MimeContent(new MemoryStream(content)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = name,
            });
        }

        message.Body = mixed;
        return message;
    }
}
