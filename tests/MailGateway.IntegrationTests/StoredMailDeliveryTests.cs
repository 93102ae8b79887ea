using System.Text;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MailKit;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>A notification sent as stored (<see cref="StoredMail"/>) through the outbox's <see cref="SmtpSession"/> to the
/// real Postfix: the protocol is what the bytes need, and Dovecot holds the mail as rendered.</summary>
[Collection(MailServersGroup.Name)]
public sealed partial class StoredMailDeliveryTests(MailServersFixture servers)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_StoredNotification_AsksFor8BitMimeAndArrivesAsRendered(bool chunking)
    {
        var tag = "s" + Guid.NewGuid().ToString("N")[..10];
        var address = $"stored-{tag}@{MailServersFixture.Domain}";
        var mail = new MailOptions { Domain = MailServersFixture.Domain, WebBaseUrl = "http://127.0.0.1:5080/" };
        var content = new NotificationContent(1, $"{tag} 字幕のタイミングを確認しました。\n.\n..two dots\nCafé crème", DateTime.UtcNow, "Anna Kowalski",
            7, ChannelKind.Vendor, "vendor-ja", "Vendor · Japanese (ja)", "blue-harbor", "Blue Harbor", []);
        var recipient = new Recipient(42, "山田 太郎", address, DeliveryMode.Immediate, RecipientReason.Follower);
        var raw = NotificationComposer.Stamp(mail, MailTemplates.Shipped, content, recipient, "t1_x", "u1_x", 0, new NotificationRendering { ByReference = true })
            .Write(content, recipient, "t1_x", "u1_x");
        using var log = new MemoryStream();
        var options = new SmtpOptions { Host = servers.Host, Port = servers.SmtpPort, Security = SecureSocketOptions.None, Chunking = chunking };
        using (var session = SmtpSession.Connect(options, null, new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.Equal(chunking, session.Offer.Chunking && options.Chunking);
            var wire = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(StoredMail.TryRender(raw, eightBitTransport: session.Offer.EightBitMime, wire));
            var reply = session.Send("notifications@clp.test", address, wire.WrittenSpan, CancellationToken.None);
            Assert.Equal(250, reply.Code);
        }

        var protocol = Encoding.UTF8.GetString(log.ToArray());
        Assert.Matches(@"MAIL FROM:<notifications@clp\.test> SIZE=\d+ BODY=8BITMIME", protocol);
        if (chunking)
        {
            // BDAT counts the bytes written: the stored mail in CRLF, plus the top level's 8bit declaration.
            var expected = Encoding.UTF8.GetByteCount(Encoding.UTF8.GetString(raw).ReplaceLineEndings("\r\n"))
                + Encoding.ASCII.GetByteCount("Content-Transfer-Encoding: 8bit\r\n");
            Assert.Equal(expected, int.Parse(Bdat().Match(protocol).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Contains("DATA\r\n", protocol, StringComparison.Ordinal);
        }

        var rendered = MimeMessage.Load(new MemoryStream(raw));
        var delivered = await servers.WaitForMessageAsync(address, tag, TimeSpan.FromSeconds(30));
        Assert.Equal(rendered.TextBody, delivered.TextBody);
        Assert.Equal(rendered.HtmlBody, delivered.HtmlBody);
        Assert.Equal(rendered.MessageId, delivered.MessageId);
        Assert.Equal("山田 太郎", delivered.To.Mailboxes.Single().Name);
        Assert.All(delivered.BodyParts.OfType<TextPart>(), p => Assert.Equal(ContentEncoding.EightBit, p.ContentTransferEncoding));
    }

    [GeneratedRegex(@"BDAT (\d+) LAST")]
    private static partial Regex Bdat();
}
