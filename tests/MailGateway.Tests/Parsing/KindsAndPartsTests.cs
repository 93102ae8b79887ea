using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ClpMailGateway.Parsing;
using MimeKit;
using MimeKit.Cryptography;
using static ClpMailGateway.Tests.Parsing.TestMail;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Which kind a mail is when nothing but its content says it (issue 28), and which of its parts are files.</summary>
public sealed class KindsAndPartsTests
{
    private static MimeMessage Message(MimeEntity body, string subject = "RE: Locked cut", string? to = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("anna@vendor.example"));
        message.To.Add(MailboxAddress.Parse(to ?? $"reply+{Token}@{TestMail.Domain}"));
        message.Subject = subject;
        message.Body = body;
        return message;
    }

    private static ReplyAnalysis Analyze(MimeMessage message) => ReplyAnalyzer.Analyze(message, "reply", TestMail.Domain);

    [Fact]
    public void Analyze_PrecedenceListAlone_IsAReply()
    {
        var message = Message(new TextPart("plain") { Text = "Reel 2 is done." });
        message.Headers.Add("Precedence", "list");
        message.Headers.Add("List-Id", "<subtitles.vendor.example>");
        var analysis = Analyze(message);
        Assert.Equal(ReplyKind.Reply, analysis.Kind);
        Assert.Equal("Reel 2 is done.", analysis.Text);
    }

    [Fact]
    public void Analyze_ReadReceipt_IsNotAReplyEvenWithAToken()
    {
        var report = new MultipartReport("disposition-notification")
        {
            new TextPart("plain") { Text = "Your message was read on Monday." },
            new MimePart("message", "disposition-notification") { Content = new MimeContent(new MemoryStream("Final-Recipient: rfc822; anna@vendor.example\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n"u8.ToArray())) },
        };
        var analysis = Analyze(Message(report, "Read: Locked cut"));
        Assert.Equal(ReplyKind.NotAReply, analysis.Kind);
        Assert.Equal(Token, analysis.Token);
    }

    [Theory]
    [InlineData("text/calendar; method=REPLY; charset=utf-8", "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@vendor.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")]
    [InlineData("text/calendar; charset=utf-8", "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n")]
    [InlineData("application/ics; name=invite.ics", "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nEND:VCALENDAR\r\n")]
    public void Analyze_CalendarResponse_IsNotAReply(string type, string calendar)
    {
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Anna has accepted this invitation." },
            new MimePart(ContentType.Parse(type)) { Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(calendar))) },
        };
        Assert.Equal(ReplyKind.NotAReply, Analyze(Message(alternative, "Accepted: Locked cut review")).Kind);
    }

    [Fact]
    public void Analyze_CalendarInvitationSentByThePerson_IsStillAReply()
    {
        var mixed = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Let's review the cut on Friday, invite attached." },
            new MimePart("text", "calendar") { Content = new MimeContent(new MemoryStream("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"u8.ToArray())), FileName = "invite.ics" },
        };
        Assert.Equal(ReplyKind.Reply, Analyze(Message(mixed)).Kind);
    }

    [Theory]
    [InlineData("Recall: Locked cut", "Anna Smith would like to recall the message, \"Locked cut\".")]
    [InlineData("Rückruf: Locked cut", "Anna Smith möchte die Nachricht \"Locked cut\" zurückrufen.")]
    [InlineData("Rappel : Locked cut", "Anna Smith souhaite rappeler le message « Locked cut ».")]
    [InlineData("撤回: Locked cut", "Anna Smith 想要撤回邮件“Locked cut”。")]
    public void Analyze_RecallRequest_IsNotAReply(string subject, string body) =>
        Assert.Equal(ReplyKind.NotAReply, Analyze(Message(new TextPart("plain") { Text = body }, subject)).Kind);

    [Fact]
    public void Analyze_UnsubscribeMailtoWithAThreadReference_IsNotAReply()
    {
        var message = Message(new TextPart("plain") { Text = "unsubscribe" }, "unsubscribe u1_abcdefghijklmnop", to: $"reply@{TestMail.Domain}");
        message.References.Add($"reply-{Token}@{TestMail.Domain}");
        var analysis = Analyze(message);
        Assert.Equal(ReplyKind.NotAReply, analysis.Kind);
    }

    [Theory]
    [InlineData("Please verify your message", "I protect my inbox with Boxbe. Please verify that you are a real person by clicking the link below.")]
    [InlineData("RE: Locked cut", "Your message has been held until you confirm that you are a human sender. Click here to complete the sender verification.")]
    [InlineData("RE: Locked cut", "Bonjour, pour que votre message soit délivré, merci de cliquer sur le lien ci-dessous (Mailinblack).")]
    public void Analyze_ChallengeResponseMail_IsAutoReply(string subject, string body) =>
        Assert.Equal(ReplyKind.AutoReply, Analyze(Message(new TextPart("plain") { Text = body }, subject)).Kind);

    [Theory]
    [InlineData("This mailbox is no longer in use. Please write to subtitles@vendor.example instead.")]
    [InlineData("Anna Smith is no longer with the company. For French subtitles, contact marc@vendor.example.")]
    [InlineData("Diese Adresse ist nicht mehr aktiv. Bitte wenden Sie sich an info@vendor.example.")]
    [InlineData("Cette adresse n'est plus utilisée. Merci d'écrire à contact@vendor.example.")]
    [InlineData("このメールアドレスは現在使用されておりません。")]
    public void Analyze_MailboxNoLongerInUseNotice_IsAutoReplyNotBounce(string body) =>
        Assert.Equal(ReplyKind.AutoReply, Analyze(Message(new TextPart("plain") { Text = body })).Kind);

    [Theory]
    [InlineData("Postmaster <postmaster@mail.vendor.example>", "系统退信", "很抱歉您的邮件没有发送成功。收件人 gone@vendor.example 不存在。")]
    [InlineData("MAILER-DAEMON@mail.vendor.example", "メール配信エラー", "以下の宛先へのメールは配信できませんでした。\ngone@vendor.example")]
    [InlineData("Mail Delivery System <mailer-daemon@mail.vendor.example>", "메일 발송 실패 안내", "gone@vendor.example 님에게 보낸 메일이 전달되지 않았습니다.")]
    [InlineData("postmaster@mail.vendor.example", "Недоставленное сообщение", "Ваше сообщение не может быть доставлено адресату gone@vendor.example.")]
    [InlineData("Mail Delivery System <MAILER-DAEMON@mail.vendor.example>", "Nicht zustellbar: Locked cut", "Ihre Nachricht konnte nicht zugestellt werden an gone@vendor.example.")]
    [InlineData("postmaster@mail.vendor.example", "Échec de la remise", "Votre message n'a pas pu être remis à gone@vendor.example.")]
    public void Analyze_ProseBounceInAnotherLanguage_IsBounceWithTheAddress(string from, string subject, string body)
    {
        var analysis = TestMail.Analyze(Encoding.UTF8.GetBytes($"From: {from}\r\nTo: bounces@clp.test\r\nSubject: =?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))}?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"));
        Assert.Equal(ReplyKind.Bounce, analysis.Kind);
        Assert.Equal("gone@vendor.example", analysis.BouncedRecipient);
    }

    [Fact]
    public void Analyze_DsnForAForwardingTarget_NamesTheAddressTheNotificationWentTo()
    {
        var analysis = TestMail.Analyze(Encoding.UTF8.GetBytes("""
            From: Mail Delivery System <MAILER-DAEMON@mx.vendor.example>
            To: bounces@clp.test
            Subject: Unzustellbar: Locked cut
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            Ihre Nachricht konnte nicht zugestellt werden.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.vendor.example

            Original-Recipient: rfc822; anna@vendor.example
            Final-Recipient: rfc822; anna.private@mail.example
            Action: failed
            Status: 5.1.1
            --b--
            """.ReplaceLineEndings("\r\n")));
        Assert.Equal(ReplyKind.Bounce, analysis.Kind);
        Assert.Equal(("anna@vendor.example", BounceType.Permanent), (analysis.BouncedRecipient, analysis.BounceType));
    }

    [Fact]
    public void Analyze_SmimeEnvelopedReply_IsAReplyRejectedAsEncryptedWithoutText()
    {
        var encrypted = new ApplicationPkcs7Mime(SecureMimeType.EnvelopedData, new MemoryStream(RandomNumberGenerator.GetBytes(600)));
        var analysis = Analyze(Message(encrypted));
        Assert.Equal((ReplyKind.Reply, "", "encrypted"), (analysis.Kind, analysis.Text, analysis.RejectReason));
        Assert.Empty(analysis.Attachments);
    }

    [Fact]
    public void Analyze_PgpMimeEncryptedReply_IsRejectedAsEncrypted()
    {
        var encrypted = new MultipartEncrypted
        {
            new MimePart("application", "pgp-encrypted") { Content = new MimeContent(new MemoryStream("Version: 1\r\n"u8.ToArray())) },
            new MimePart("application", "octet-stream") { Content = new MimeContent(new MemoryStream("-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n"u8.ToArray())) },
        };
        var analysis = Analyze(Message(encrypted));
        Assert.Equal((ReplyKind.Reply, "", "encrypted"), (analysis.Kind, analysis.Text, analysis.RejectReason));
        Assert.Empty(analysis.Attachments);
    }

    [Fact]
    public void Analyze_InlinePgpMessage_IsRejectedAsEncrypted()
    {
        var analysis = Analyze(Message(new TextPart("plain") { Text = "-----BEGIN PGP MESSAGE-----\n\nhQEMA5W\n-----END PGP MESSAGE-----\n" }));
        Assert.Equal("encrypted", analysis.RejectReason);
        Assert.Equal("", analysis.Text);
    }

    [Fact]
    public void Analyze_SmimeSignedReply_ReadsTheTextAndListsNoSignatureFile()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=anna@vendor.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var context = new TemporarySecureMimeContext();
        var body = new TextPart("plain") { Text = "Signed and fixed." };

        var detached = MultipartSigned.Create(context, new CmsSigner(certificate), body);
        var analysis = Analyze(Message(detached));
        Assert.Equal("Signed and fixed.", analysis.Text);
        Assert.Empty(analysis.Attachments);

        var opaque = ApplicationPkcs7Mime.Sign(context, new CmsSigner(certificate), new TextPart("plain") { Text = "Opaque and fixed." });
        var unwrapped = Analyze(Message(opaque));
        Assert.Equal(("Opaque and fixed.", (string?)null), (unwrapped.Text, unwrapped.RejectReason));
        Assert.Empty(unwrapped.Attachments);
    }

    [Fact]
    public void Analyze_SignaturePartSentAsOctetStream_IsNotAFile()
    {
        var signed = Encoding.ASCII.GetBytes("""
            Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"

            --s
            Content-Type: text/plain

            Fixed.
            --s
            Content-Type: application/octet-stream; name="smime.p7s"
            Content-Disposition: attachment; filename="smime.p7s"
            Content-Transfer-Encoding: base64

            MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==
            --s--
            """.ReplaceLineEndings("\r\n"));
        var analysis = TestMail.Analyze(Concat(Reply(""), signed));
        Assert.Equal("Fixed.", analysis.Text);
        Assert.Empty(analysis.Attachments);
    }

    [Fact]
    public void Analyze_LargeInlinePictureReferencedFromTheText_IsNotAFile()
    {
        var builder = new BodyBuilder { HtmlBody = "<p>The burn-in is wrong here:</p><p><img src=\"cid:shot@client\"></p>", TextBody = "The burn-in is wrong here:\n[image: shot.png]" };
        var shot = builder.LinkedResources.Add("shot.png", new byte[200_000], ContentType.Parse("image/png"));
        shot.ContentId = "shot@client";
        builder.Attachments.Add("notes.pdf", new byte[300], ContentType.Parse("application/pdf"));
        var analysis = Analyze(Message(builder.ToMessageBody()));
        Assert.Equal("notes.pdf", Assert.Single(analysis.Attachments).Name);
    }

    [Fact]
    public void Analyze_AttachedMessage_IsOneFileSizedWithCrlfLineEnds()
    {
        var inner = "From: client@studio.example\nSubject: Notes\n\nLine one\nLine two\n";
        var raw = Reply($"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSee the client's mail.\n--b\nContent-Type: message/rfc822\n\n{inner}--b--\n");
        var lf = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(raw).Replace("\r\n", "\n", StringComparison.Ordinal));
        foreach (var mail in new[] { raw, lf })
        {
            var attached = Assert.Single(TestMail.Analyze(mail).Attachments);
            Assert.Equal(("Notes.eml", "message/rfc822"), (attached.Name, attached.ContentType));
            // The line end before the boundary belongs to the boundary, not to the attached message.
            Assert.Equal(Encoding.ASCII.GetByteCount(inner.TrimEnd('\n').ReplaceLineEndings("\r\n")), attached.SizeBytes);
        }
    }

    [Fact]
    public void Analyze_PlainAlternativeThatDiffersFromTheHtml_ReadsTheHtml()
    {
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Please view this message in an HTML-capable client." },
            new TextPart("html") { Text = "<p>Reel 3: the <b>French</b> subtitles are approved.</p>" },
        };
        var analysis = Analyze(Message(alternative));
        Assert.Equal("Reel 3: the French subtitles are approved.", analysis.Text);
    }

    [Fact]
    public void Analyze_PlainAlternativeSayingTheSame_KeepsItsLines()
    {
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Approved.\n\n- reel 1\n- reel 2\n\nAnna" },
            new TextPart("html") { Text = "<p>Approved.</p><ul><li>reel 1</li><li>reel 2</li></ul><p>Anna</p>" },
        };
        Assert.Equal("Approved.\n\n- reel 1\n- reel 2\n\nAnna", Analyze(Message(alternative)).Text);
    }
}
