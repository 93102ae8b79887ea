using System.Text;
using ClpMailGateway.Parsing;
using ClpMailGateway.Posting;
using MimeKit;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Parsing;

public sealed class ReplyAnalyzerTests
{
    private const string Token = "AbCdEfGhIjKlMnOpQrStUv_-12";
    private const string Domain = "clp.test";

    private static MimeMessage Reply(string text = "Fixed.", string? to = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("anna@vendor.example"));
        message.To.Add(MailboxAddress.Parse(to ?? $"reply+{Token}@{Domain}"));
        message.Subject = "RE: Locked cut";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private static ReplyAnalysis Analyze(MimeMessage message) => ReplyAnalyzer.Analyze(message, "reply", Domain);

    private static ReplyAnalysis Analyze(string raw) => ReplyAnalyzer.Analyze(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")), "reply", Domain);

    [Theory]
    [InlineData("To", "reply+" + Token + "@clp.test")]
    [InlineData("To", "REPLY+" + Token + "@CLP.TEST")]
    [InlineData("Cc", "reply+" + Token + "@clp.test")]
    [InlineData("Delivered-To", "reply+" + Token + "@clp.test")]
    [InlineData("X-Original-To", "reply+" + Token + "@clp.test")]
    [InlineData("Envelope-To", "reply+" + Token + "@clp.test")]
    public void FindToken_RecipientHeader_ReturnsToken(string header, string address)
    {
        var message = Reply(to: "someone@else.example");
        message.Headers.Add(header, address);
        Assert.Equal(Token, ReplyAnalyzer.FindToken(message, "reply", Domain));
    }

    [Theory]
    [InlineData("reply+short@clp.test")]
    [InlineData("reply+AbCdEfGhIjKlMnOpQrStUv_-12@other.test")]
    [InlineData("replies+AbCdEfGhIjKlMnOpQrStUv_-12@clp.test")]
    [InlineData("reply+AbCdEfGhIjKlMnOpQrStUv.12345@clp.test")]
    public void Analyze_MalformedOrForeignToken_IsNotAReply(string to)
    {
        var analysis = Analyze(Reply(to: to));
        Assert.Null(analysis.Token);
        Assert.Equal(ReplyKind.NotAReply, analysis.Kind);
    }

    [Fact]
    public void FindToken_ReferencesEntry_ReturnsTokenWhenNoRecipientHasOne()
    {
        var message = Reply(to: "team@vendor.example");
        message.References.Add($"reply-{Token}@{Domain}");
        Assert.Equal(Token, ReplyAnalyzer.FindToken(message, "reply", Domain));
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied")]
    [InlineData("Auto-Submitted", "auto-generated")]
    [InlineData("X-Autoreply", "yes")]
    [InlineData("X-Autorespond", "vacation")]
    [InlineData("Precedence", "bulk")]
    [InlineData("Precedence", "auto_reply")]
    [InlineData("X-MS-Exchange-Inbox-Rules-Loop", "anna@vendor.example")]
    [InlineData("X-MS-Exchange-Generated-Message-Source", "Mailbox Rules Agent")]
    public void Analyze_AutoReplyHeader_IsAutoReplyEvenWithAToken(string header, string value)
    {
        var message = Reply();
        message.Headers.Add(header, value);
        var analysis = Analyze(message);
        Assert.Equal(ReplyKind.AutoReply, analysis.Kind);
        Assert.Equal(Token, analysis.Token);
    }

    [Theory]
    [InlineData("Auto-Submitted", "no")]
    [InlineData("X-Auto-Response-Suppress", "All")]
    [InlineData("Precedence", "normal")]
    public void Analyze_HeaderThatIsNotAnAutoReplySign_IsAReply(string header, string value)
    {
        var message = Reply();
        message.Headers.Add(header, value);
        Assert.Equal(ReplyKind.Reply, Analyze(message).Kind);
    }

    [Fact]
    public void Analyze_OutOfOfficeBodyWithoutQuote_IsAutoReply() =>
        Assert.Equal(ReplyKind.AutoReply, Analyze(Reply("Hello,\n\nI am currently out of the office with limited access to email. I will be back on 10 March.\n\nAnna")).Kind);

    [Fact]
    public void Analyze_PersonMentioningAbsenceAboveTheQuote_IsAReply() =>
        Assert.Equal(ReplyKind.Reply, Analyze(Reply("I'll be out of the office tomorrow, Marc will deliver the subtitles.\n\nOn Mon, Feb 3, 2025 at 10:12 AM CLP <reply@clp.test> wrote:\n> Who delivers?")).Kind);

    [Fact]
    public void Analyze_DeliveryStatusReport_IsPermanentBounceWithReturnedToken()
    {
        var analysis = Analyze($$"""
            From: Mail Delivery System <MAILER-DAEMON@mx.vendor.example>
            To: bounces@clp.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            Your message could not be delivered.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.vendor.example

            Final-Recipient: rfc822; gone@vendor.example
            Original-Recipient: rfc822;gone@vendor.example
            Action: failed
            Status: 5.1.1
            --b
            Content-Type: message/rfc822

            From: CLP <notifications@clp.test>
            Reply-To: reply+{{Token}}@clp.test
            Subject: Locked cut

            New message
            --b--
            """);
        Assert.Equal(ReplyKind.Bounce, analysis.Kind);
        Assert.Equal(BounceType.Permanent, analysis.BounceType);
        Assert.Equal("gone@vendor.example", analysis.BouncedRecipient);
        Assert.Equal(Token, analysis.Token);
    }

    [Fact]
    public void Analyze_DelayedDeliveryStatusWithoutPerMessageGroup_IsTransientBounce()
    {
        var analysis = Analyze("""
            From: postmaster@mx.vendor.example
            To: bounces@clp.test
            Subject: Delivery Status Notification (Delay)
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            Delayed.
            --b
            Content-Type: message/delivery-status

            Original-Recipient: rfc822;later@vendor.example
            Action: delayed
            Status: 4.4.7
            --b--
            """);
        Assert.Equal(ReplyKind.Bounce, analysis.Kind);
        Assert.Equal(BounceType.Transient, analysis.BounceType);
        Assert.Equal("later@vendor.example", analysis.BouncedRecipient);
    }

    [Theory]
    [InlineData("MAILER-DAEMON@mail.vendor.example", "failure notice",
        "Hi. This is the qmail-send program at mail.vendor.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<gone@vendor.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\nReply-To: reply+" + Token + "@clp.test\n",
        "gone@vendor.example", true)]
    [InlineData("Mail Delivery System <Mailer-Daemon@mx.vendor.example>", "Mail delivery failed: returning message to sender",
        "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  gone@vendor.example\n    SMTP error from remote mail server after RCPT TO:<gone@vendor.example>:\n    550 5.1.1 User unknown\n",
        "gone@vendor.example", false)]
    [InlineData("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)",
        "** Address not found **\n\nYour message wasn't delivered to gone@vendor.example because the address couldn't be found, or is unable to receive mail.\n",
        "gone@vendor.example", false)]
    public void Analyze_LegacyMailerDaemonText_IsBounceWithFailedAddress(string from, string subject, string body, string failed, bool hasToken)
    {
        var analysis = Analyze($"From: {from}\nTo: bounces@clp.test\nSubject: {subject}\nContent-Type: text/plain\n\n{body}");
        Assert.Equal(ReplyKind.Bounce, analysis.Kind);
        Assert.Equal(BounceType.Permanent, analysis.BounceType);
        Assert.Equal(failed, analysis.BouncedRecipient);
        Assert.Equal(hasToken ? Token : null, analysis.Token);
    }

    [Fact]
    public void Analyze_HtmlOnlyGmailReply_DropsQuoteAndSignature()
    {
        var message = Reply();
        message.Body = new TextPart("html")
        {
            Text = "<div dir=\"ltr\">Fixed in <b>v2</b>.<br><br>Thanks!</div><br><div class=\"gmail_signature\">Anna<br>Vendor Ltd</div>"
                + "<div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, Feb 3, 2025 at 10:12 AM CLP &lt;reply@clp.test&gt; wrote:<br></div>"
                + "<blockquote class=\"gmail_quote\">Please fix</blockquote></div>",
        };
        Assert.Equal("Fixed in v2.\n\nThanks!", Analyze(message).Text);
    }

    [Theory]
    [InlineData("<div>Fixed.</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> CLP<br><b>Sent:</b> Monday</div><div>Please fix</div>")]
    [InlineData("<p>Fixed.</p><div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\"><p><b>De :</b> CLP<br><b>Envoyé :</b> lundi</p></div><p>Please fix</p>")]
    [InlineData("<div>Fixed.</div><blockquote type=\"cite\">On 3 Feb 2025, CLP wrote:<br>Please fix</blockquote>")]
    [InlineData("<p>Fixed.</p><div class=\"moz-cite-prefix\">On 03/02/2025 10:12, CLP wrote:<br></div><blockquote>Please fix</blockquote>")]
    [InlineData("<div>Fixed.</div><div id=\"yahoo_quoted_123\" class=\"yahoo_quoted\">On Monday, CLP wrote: Please fix</div>")]
    [InlineData("<div>Fixed.</div><div class=\"protonmail_quote\">On Monday, CLP wrote:<blockquote>Please fix</blockquote></div>")]
    [InlineData("<div>Fixed.</div><span id=\"OLK_SRC_BODY_SECTION\"><b>From: </b>CLP</span><div>Please fix</div>")]
    [InlineData("<div>Fixed.</div><hr id=\"zwchr\"><div data-marker=\"__HEADERS__\"><b>From: </b>CLP</div><div>Please fix</div>")]
    public void Analyze_HtmlOnlyClientReply_KeepsOnlyTheAnswer(string html)
    {
        var message = Reply();
        message.Body = new TextPart("html") { Text = "<html><body>" + html + "</body></html>" };
        Assert.Equal("Fixed.", Analyze(message).Text);
    }

    [Fact]
    public void Analyze_TalonHtmlReplies_MatchExpectedIgnoringWhitespace()
    {
        var folder = Path.Combine(PublicCorpus.Root, "trim", "talon", "html");
        var failures = new List<string>();
        foreach (var input in Directory.GetFiles(Path.Combine(folder, "input"), "*.html"))
        {
            var expected = File.ReadAllText(Path.Combine(folder, "expected", Path.GetFileNameWithoutExtension(input) + ".txt"));
            var message = Reply();
            message.Body = new TextPart("html") { Text = File.ReadAllText(input) };
            var actual = Analyze(message).Text;
            if (!string.Equals(Squeeze(expected), Squeeze(actual), StringComparison.Ordinal))
            {
                failures.Add($"{Path.GetFileName(input)}: {actual}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));

        static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
    }

    [Fact]
    public void Analyze_FormatFlowed_UnwrapsSoftLineBreaks()
    {
        var message = Reply();
        var part = new TextPart("plain") { Text = "This line was wrapped by the \nclient.\n\n> quoted\n" };
        part.ContentType.Parameters["format"] = "flowed";
        message.Body = part;
        Assert.Equal("This line was wrapped by the client.", Analyze(message).Text);
    }

    [Theory]
    [InlineData("big5", "utf-8", "您好！ 你今天好吗？")]
    [InlineData("iso-8859-1", "windows-1252", "Prix : 10 € – “OK”")]
    [InlineData("iso-2022-jp", "iso-2022-jp", "了解しました。")]
    public void Analyze_WrongOrLegacyCharset_DecodesTheText(string label, string actualEncoding, string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(actualEncoding).GetBytes(text);
        var raw = Encoding.ASCII.GetBytes($"From: anna@vendor.example\r\nTo: reply+{Token}@clp.test\r\nContent-Type: text/plain; charset={label}\r\nContent-Transfer-Encoding: base64\r\n\r\n{Convert.ToBase64String(bytes)}\r\n");
        Assert.Equal(text, ReplyAnalyzer.Analyze(raw, "reply", Domain).Text);
    }

    [Fact]
    public void Analyze_AttachmentsAndSignatureImages_ListsOnlyRealFiles()
    {
        var builder = new BodyBuilder { HtmlBody = "<p>See the report.</p><p>Anna<br><img src=\"cid:logo@sig\"></p>", TextBody = "See the report.\n\n-- \nAnna" };
        builder.Attachments.Add("report.pdf", new byte[1234], ContentType.Parse("application/pdf"));
        var logo = builder.LinkedResources.Add("image001.png", new byte[900], ContentType.Parse("image/png"));
        logo.ContentId = "logo@sig";
        var message = Reply();
        message.Body = builder.ToMessageBody();
        var analysis = Analyze(message);
        var attachment = Assert.Single(analysis.Attachments);
        Assert.Equal(("report.pdf", "application/pdf", 1234L), (attachment.Name, attachment.ContentType, attachment.SizeBytes));
        Assert.Null(analysis.RejectReason);
        Assert.Equal("See the report.", analysis.Text);
    }

    [Fact]
    public void Analyze_AttachmentOverTheLimit_IsRejectedAsTooLarge()
    {
        var builder = new BodyBuilder { TextBody = "Here is the master." };
        builder.Attachments.Add("master.mov", new byte[PostingLimits.MaxAttachmentBytes + 1], ContentType.Parse("video/quicktime"));
        var message = Reply();
        message.Body = builder.ToMessageBody();
        Assert.Equal("attachment_too_large", Analyze(message).RejectReason);
    }

    [Fact]
    public void Analyze_ClientFixtures_MatchSnapshot()
    {
        var folder = PublicCorpus.Fixtures;
        var results = Directory.GetFiles(folder, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(file => (File: Path.GetRelativePath(folder, file).Replace('\\', '/'), Analysis: ReplyAnalyzer.Analyze(File.ReadAllBytes(file), "reply", Domain)))
            .Select(r => new
            {
                r.File,
                Kind = r.Analysis.Kind.ToString(),
                r.Analysis.Token,
                r.Analysis.Text,
                Attachments = r.Analysis.Attachments.Select(a => $"{a.Name} {a.ContentType} {a.SizeBytes}").ToList(),
                r.Analysis.RejectReason,
                BounceType = r.Analysis.BounceType?.ToString(),
                r.Analysis.BouncedRecipient,
            })
            .ToList();
        Assert.NotEmpty(results);
        Snapshot.Match(results);
    }
}
