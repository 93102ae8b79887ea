using System.Buffers;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>A stored mail sent by <see cref="StoredMail"/> is written as rendered (CRLF, and an 8bit declaration where
/// its content is 8-bit), and every mail that needs MimeKit's preparing is refused.</summary>
public class StoredMailTests
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };

    [Fact]
    public void TryRender_RenderedNotification_WritesItsBytesWithCrLfAndDeclares8bit()
    {
        var raw = Notification("Bitte Rolle 2 bis Freitag neu timen: ünïcödé, 字幕, 😀.");

        var rendered = Rendered(raw, true);

        Assert.NotNull(rendered);
        var crlf = Encoding.UTF8.GetString(raw).ReplaceLineEndings("\r\n");
        var headerEnd = crlf.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var expected = crlf[..headerEnd] + "\r\nContent-Transfer-Encoding: 8bit" + crlf[headerEnd..];
        Assert.Equal(expected, Encoding.UTF8.GetString(rendered!));
    }

    [Fact]
    public void TryRender_RenderedNotification_ParsesToTheSameMail()
    {
        var raw = Notification("Merci pour le minutage, c'est bon pour l'épisode 4.\n.\n..deux points");
        var original = MimeMessage.Load(new MemoryStream(raw));

        var rendered = Rendered(raw, true);
        var sent = MimeMessage.Load(new MemoryStream(rendered!));

        Assert.Equal(original.TextBody, sent.TextBody);
        Assert.Equal(original.HtmlBody, sent.HtmlBody);
        Assert.Equal(original.Subject, sent.Subject);
        Assert.Equal(original.MessageId, sent.MessageId);
        Assert.Equal(original.To.ToString(), sent.To.ToString());
        Assert.Equal(original.Headers.Select(h => h.Field), sent.Headers.Select(h => h.Field).Where(f => f != "Content-Transfer-Encoding"));
    }

    [Fact]
    public void TryRender_SevenBitMail_WritesExactlyItsBytesWithCrLf()
    {
        var raw = Raw("From: a@clp.test\nTo: b@clp.test\nSubject: =?utf-8?q?Caf=C3=A9?=\nMessage-Id: <x@clp.test>\nMIME-Version: 1.0\n"
            + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9\n");

        var rendered = Rendered(raw, false);

        Assert.NotNull(rendered);
        Assert.Equal(Encoding.ASCII.GetString(raw).ReplaceLineEndings("\r\n"), Encoding.ASCII.GetString(rendered!));
        Assert.Equal("Café", MimeMessage.Load(new MemoryStream(rendered!)).TextBody?.TrimEnd());
    }

    [Fact]
    public void TryRender_CrLfStored_WritesItUnchanged()
    {
        var raw = Raw("From: a@clp.test\r\nDate: Fri, 27 Nov 2026 09:30:00 +0000\r\nSubject: s\r\nMessage-Id: <y@clp.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nline\r\n");

        var rendered = Rendered(raw, false);

        Assert.Equal(raw, rendered!);
    }

    /// <summary>MimeMessage's constructor would add a Date and a Message-Id; MIME-Version is there, as MimeKit writes
    /// it on the long way too.</summary>
    [Fact]
    public void TryRender_HeadersWithoutMessageIdOrDate_AddsNone()
    {
        var raw = Raw("From: a@clp.test\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/plain\n\nline\n");

        var rendered = Rendered(raw, false);

        Assert.Equal(Encoding.ASCII.GetString(raw).ReplaceLineEndings("\r\n"), Encoding.ASCII.GetString(rendered!));
    }

    [Theory]
    [InlineData("Content-Transfer-Encoding: 8bit")]
    [InlineData("content-transfer-encoding:\n 8BIT ")]
    public void TryRender_EightBitDeclared_WrittenAsItIsWithoutASecondDeclaration(string declaration)
    {
        var raw = Raw($"From: a@clp.test\nSubject: s\nContent-Type: text/plain; charset=utf-8\n{declaration}\n\nünïcödé\n");

        var rendered = Rendered(raw, eightBitTransport: true);

        Assert.Equal(Encoding.UTF8.GetString(raw).ReplaceLineEndings("\r\n"), Encoding.UTF8.GetString(rendered!));
    }

    [Fact]
    public void TryRender_LineOf998Bytes_Rendered()
    {
        var raw = Raw("From: a@clp.test\nSubject: s\nContent-Type: text/plain\n\n" + new string('x', StoredMail.MaxLineLength) + "\n");

        var rendered = Rendered(raw, true);

        Assert.NotNull(rendered);
    }

    public static TheoryData<string, string, bool> Refused => new()
    {
        { "8-bit content, server without 8BITMIME", "From: a@clp.test\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\nünïcödé\n", false },
        { "a line of 999 bytes", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\n\n" + new string('x', StoredMail.MaxLineLength + 1) + "\n", true },
        { "8-bit header", "From: a@clp.test\nSubject: Café\nContent-Type: text/plain\n\nline\n", true },
        { "NUL", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\n\nli\0ne\n", true },
        { "a CR inside a line", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\n\nli\rne\n", true },
        { "no body", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\n", true },
        { "no final newline", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\n\nline", true },
        { "a header line without a colon", "From: a@clp.test\nnot a header\nContent-Type: text/plain\n\nline\n", true },
        { "no Content-Type", "From: a@clp.test\nSubject: s\n\nline\n", true },
        { "binary", "From: a@clp.test\nSubject: s\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\nünï\n", true },
        { "8-bit content declared base64", "From: a@clp.test\nSubject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nünï\n", true },
        { "an attachment by reference", "From: a@clp.test\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nX-CLP-Attachment: 9\nContent-Transfer-Encoding: base64\n\n\n--b--\n", true },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void TryRender_NeedsPreparing_ReturnsNull(string why, string mail, bool eightBitTransport)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.False(StoredMail.TryRender(Raw(mail), eightBitTransport, output), why);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void TryRender_NotificationWithFileByReference_ReturnsNull()
    {
        var content = NotificationComposerTests.Content("See the file.", [new NotificationFile(9, "timeline.srt", "text/plain", 23, [])]);
        var recipient = new Recipient(42, "Léa Martin", "fr.lea@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);
        using var composed = NotificationComposer.Compose(Mail, MailTemplates.Shipped, content, recipient, "t1_lea", "u1_lea", 1_000_000, new NotificationRendering { ByReference = true });
        using var buffer = new MemoryStream();
        composed.WriteTo(buffer);

        Assert.Null(Rendered(buffer.ToArray(), eightBitTransport: true));
    }

    [Fact]
    public void DeclareEightBit_Notification_8bitOnEach8BitPartOnly()
    {
        var content = NotificationComposerTests.Content("Zeitplan für Folge 4: ünïcödé.", []);
        var recipient = new Recipient(7, "Tom", "tom@vendor.example", DeliveryMode.Immediate, RecipientReason.Follower);
        using var composed = NotificationComposer.Compose(Mail, MailTemplates.Shipped, content, recipient, "t1_tom", "u1_tom", 0);

        Assert.All(composed.BodyParts.OfType<TextPart>(), p => Assert.Equal(ContentEncoding.EightBit, p.ContentTransferEncoding));

        using var ascii = new MimeMessage(new TextPart("plain") { Text = "Re-time reel 2." });
        StoredMail.DeclareEightBit(ascii);
        Assert.Equal(ContentEncoding.Default, Assert.IsType<TextPart>(ascii.Body).ContentTransferEncoding);
    }

    /// <summary>Longer lines are left to MailKit's Prepare at sending (quoted-printable), and such a mail is not wrapped.</summary>
    [Fact]
    public void DeclareEightBit_LineOver998Bytes_LeavesThePartAlone()
    {
        using var message = new MimeMessage([new MailboxAddress("a", "a@clp.test")], [new MailboxAddress("b", "b@clp.test")], "s",
            new TextPart("plain") { Text = "é" + new string('x', StoredMail.MaxLineLength) });

        StoredMail.DeclareEightBit(message);

        Assert.Equal(ContentEncoding.Default, Assert.IsType<TextPart>(message.Body).ContentTransferEncoding);
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        Assert.Null(Rendered(buffer.ToArray(), eightBitTransport: true));
    }

    private static byte[] Notification(string text)
    {
        var content = NotificationComposerTests.Content(text, []);
        var recipient = new Recipient(42, "Léa Martin", "fr.lea@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);
        var shared = new NotificationRendering { ByReference = true };
        return NotificationComposer.Stamp(Mail, MailTemplates.Shipped, content, recipient, "t1_lea", "u1_lea", 0, shared)
            .Write(content, recipient, "t1_lea", "u1_lea");
    }

    private static byte[] Raw(string mail) => Encoding.UTF8.GetBytes(mail);

    /// <summary>What <see cref="StoredMail.TryRender"/> writes, or null when it refuses.</summary>
    private static byte[]? Rendered(byte[] raw, bool eightBitTransport)
    {
        var output = new ArrayBufferWriter<byte>();
        return StoredMail.TryRender(raw, eightBitTransport, output) ? output.WrittenSpan.ToArray() : null;
    }

}
