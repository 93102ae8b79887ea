using System.Text;
using ClpMailGateway.Domain;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>Reply mails as real clients write them, each with the verdict the gateway must reach.</summary>
internal static class BenchMails
{
    public const string ReplyLocalPart = "reply";

    static BenchMails() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public sealed record BenchMail(string Kind, string MessageId, InboundStatus Expected, byte[] Raw);

    public static string ReplyAddress(string token) => $"{ReplyLocalPart}+{token}@{HarnessContext.Domain}";

    /// <summary>A Gmail-style top-posted plain reply with the quoted notification below, optionally with one attachment.</summary>
    public static MimeMessage Gmail(string from, string to, string text, (string Name, byte[] Content)? attachment = null)
    {
        var body = new TextPart("plain")
        {
            Text = text + "\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n"
                + "> Please check the timeline of episode 2 against the locked cut.\n> Reel 3 moved by 12 frames.\n>\n> Thanks\n> Anna\n",
        };
        if (attachment is not { } file)
        {
            return Mail(from, to, "Re: [Bench Title · Vendor] timeline", body);
        }

        return Mail(from, to, "Re: [Bench Title · Vendor] files", new Multipart("mixed")
        {
            body,
            new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(new MemoryStream(file.Content)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.Name,
            },
        });
    }

    /// <summary>An Outlook HTML reply: the new text, then the whole earlier thread flat below it.</summary>
    public static MimeMessage OutlookHtml(string from, string to, int earlier)
    {
        var html = new StringBuilder("<html><body><div class=\"WordSection1\"><p class=\"MsoNormal\">Hallo Anna,<br>die Untertitel für Folge 4 sind fertig.<br>Viele Grüße<br>Jonas</p></div>");
        var plain = new StringBuilder("Hallo Anna,\ndie Untertitel für Folge 4 sind fertig.\nViele Grüße\nJonas\n");
        for (var i = 0; i < earlier; i++)
        {
            html.Append("<hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>Von:</b> Anna via CLP &lt;notifications@clp.test&gt;<br>")
                .Append("<b>Gesendet:</b> Montag, 3. Februar 2025 10:12<br><b>An:</b> Jonas Weber<br><b>Betreff:</b> [Bench Title · Vendor · German (de)] timeline</font></div>")
                .Append("<div><p class=\"MsoNormal\">")
                .Append(string.Concat(Enumerable.Repeat("Please check the timeline of episode 4 against the locked cut, reel by reel. ", 8)))
                .Append("</p></div>");
            plain.Append("\n________________________________\nVon: Anna via CLP <notifications@clp.test>\nGesendet: Montag, 3. Februar 2025 10:12\n\n")
                .Append(string.Concat(Enumerable.Repeat("Please check the timeline of episode 4 against the locked cut, reel by reel. ", 8)));
        }

        html.Append("</body></html>");
        var message = Mail(from, to, "AW: [Bench Title · Vendor · German (de)] timeline", new MultipartAlternative
        {
            new TextPart("plain") { Text = plain.ToString() },
            new TextPart("html") { Text = html.ToString() },
        });
        message.Headers.Add("X-Mailer", "Microsoft Outlook 16.0");
        message.Headers.Add("Thread-Index", "AdtH2V0m7f1c3Bq2Qk2f3m8b9w==");
        return message;
    }

    public static MimeMessage Japanese(string from, string to)
    {
        var part = new TextPart("plain");
        part.SetText("iso-2022-jp", "第3話の字幕ファイルを修正しました。ご確認ください。\n\n2025年2月3日(月) 10:12 Anna via CLP <notifications@clp.test>:\n> タイムラインを確認してください。\n> よろしくお願いします。\n");
        var message = Mail(from, to, "Re: [Bench Title] タイムライン", part);
        message.Headers.Replace(HeaderId.Subject, Encoding.GetEncoding("iso-2022-jp"), "Re: [Bench Title] タイムライン");
        return message;
    }

    public static MimeMessage AutoReply(string from, string to)
    {
        var message = Gmail(from, to, "I am out of the office until Monday, 10 February, with limited access to email.");
        message.Subject = "Automatic reply: [Bench Title · Vendor] timeline";
        message.Headers.Add("Auto-Submitted", "auto-replied");
        return message;
    }

    /// <summary>A DSN bounce of one of our notifications (RFC 3464) carrying the notification's Reply-To.</summary>
    public static byte[] Bounce(string gatewayAddress, string bouncedRecipient, string replyTo, string messageId) => Encoding.UTF8.GetBytes($"""
        From: MAILER-DAEMON@mx.vendor.example
        To: {gatewayAddress}
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <{messageId}>
        Date: {DateTimeOffset.UtcNow:R}
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        Your message could not be delivered.
        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.vendor.example

        Final-Recipient: rfc822; {bouncedRecipient}
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 user unknown

        --b1
        Content-Type: message/rfc822

        From: "Anna via CLP" <notifications@clp.test>
        To: {bouncedRecipient}
        Reply-To: {replyTo}
        Subject: [Bench Title · Vendor] Anna: timeline

        Please check the timeline.
        --b1--

        """.ReplaceLineEndings("\r\n"));

    public static byte[] Render(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    private static MimeMessage Mail(string from, string to, string subject, MimeEntity body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Date = DateTimeOffset.UtcNow;
        message.Body = body;
        return message;
    }
}
