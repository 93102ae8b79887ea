using System.Text;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>A notification written from its message's stamp is the very mail the composer writes for that recipient.</summary>
public partial class NotificationStampTests
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };
    private static readonly MailTemplates Templates = MailTemplates.Shipped;

    /// <summary>Names that MimeKit quotes, encodes (RFC 2047) or folds, and addresses of every shape a user may have.</summary>
    public static TheoryData<string, string> Recipients => new()
    {
        { "Léa Martin", "fr.lea@clp.test" },
        { "Tom", "tom@vendor.example" },
        { string.Empty, "no-name@vendor.example" },
        { "山田 太郎", "yamada@vendor.jp" },
        { "محمد الأحمد", "m.ahmad@vendor.example" },
        { "O'Brien, Seán \"the subtitler\"", "sean+clp@vendor.example" },
        { "Maximilian Alexander von Hohenzollern-Sigmaringen, Senior Localization Quality Reviewer (German)", "max@a-very-long-vendor-domain-name.example" },
        { "=?utf-8?q?looks_encoded?=", "tricky@vendor.example" },
    };

    [Theory]
    [MemberData(nameof(Recipients))]
    public void Write_AnyRecipient_SameBytesAsComposed(string name, string address)
    {
        var content = NotificationComposerTests.Content("Please re-time reel 2 <before> Friday & tell me: ünïcödé, 字幕, and a long line " + new string('x', 1200), Files());
        var shared = new NotificationRendering { ByReference = true };
        var first = new Recipient(1, "First Recipient", "first@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);
        foreach (var reason in new[] { RecipientReason.Follower, RecipientReason.Mention })
        {
            var stamp = shared.Stamp(first with { Reason = reason }, () => NotificationComposer.Stamp(Mail, Templates, content, first with { Reason = reason }, "t1_first", "u1_first", 1_000_000, shared));
            var recipient = new Recipient(4242, name, address, DeliveryMode.Immediate, reason);
            var replyToken = "t1_" + new string('r', 29);
            var unsubscribeToken = "u1_" + address.Length;

            var stamped = stamp.Write(content, recipient, replyToken, unsubscribeToken);
            var composed = NotificationComposer.Compose(Mail, Templates, content, recipient, replyToken, unsubscribeToken, 1_000_000, shared);

            Assert.Equal(Masked(Written(composed)), Masked(Encoding.UTF8.GetString(stamped)));
        }
    }

    [Fact]
    public void Write_TwoRecipients_EachHasOnlyItsOwnLinksAndIds()
    {
        var content = NotificationComposerTests.Content("Short note", []);
        var shared = new NotificationRendering { ByReference = true };
        var lea = new Recipient(42, "Léa Martin", "fr.lea@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);
        var tom = new Recipient(43, "Tom", "tom@vendor.example", DeliveryMode.Immediate, RecipientReason.Follower);
        var stamp = NotificationComposer.Stamp(Mail, Templates, content, lea, "t1_lea", "u1_lea", 0, shared);

        var mail = MimeMessage.Load(new MemoryStream(stamp.Write(content, tom, "t1_tom", "u1_tom")));

        Assert.Equal("tom@vendor.example", mail.To.Mailboxes.Single().Address);
        Assert.Equal("reply+t1_tom@clp.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("m1234.u43@clp.test", mail.MessageId);
        Assert.Equal(["c7.u43@clp.test", "reply-t1_tom@clp.test"], mail.References);
        Assert.Contains("https://clp.example/unsubscribe/u1_tom", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://clp.example/unsubscribe/u1_tom", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("u1_tom", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        var whole = Encoding.UTF8.GetString(stamp.Write(content, tom, "t1_tom", "u1_tom"));
        Assert.DoesNotContain("lea", whole, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("clpunsubscribe", whole, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BodyWrittenEncoded_RefusesRatherThanSendBrokenLinks()
    {
        const string Marker = "clpunsubscribe0123456789abcdef0123456789abcdef";
        using var template = new MimeMessage();
        template.To.Add(new MailboxAddress("Léa", "fr.lea@clp.test"));
        // Quoted-printable breaks lines at 76 characters: the marker, from column 70, is split by a soft line break.
        template.Body = new TextPart("plain")
        {
            Text = new string('a', 70) + NotificationStamp.TextMarker(Marker) + " end",
            ContentTransferEncoding = ContentEncoding.QuotedPrintable,
        };

        var error = Assert.Throws<InvalidOperationException>(() => NotificationStamp.Create(template, Mail, Marker, links: 1));

        Assert.Contains("0 of its 1 unsubscribe links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BodyWrittenAsComposed_FindsEveryLink()
    {
        const string Marker = "clpunsubscribe0123456789abcdef0123456789abcdef";
        using var template = new MimeMessage();
        template.To.Add(new MailboxAddress("Léa", "fr.lea@clp.test"));
        template.Body = new TextPart("plain") { Text = new string('a', 70) + NotificationStamp.TextMarker(Marker) + " end " + NotificationStamp.TextMarker(Marker) };
        var recipient = new Recipient(42, "Léa", "fr.lea@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);

        var stamp = NotificationStamp.Create(template, Mail, Marker, links: 2);
        var written = Encoding.UTF8.GetString(stamp.Write(NotificationComposerTests.Content("x", []), recipient, "t1_x", "u1_x"));

        Assert.Equal(2, Regex.Count(written, "https://clp\\.example/unsubscribe/u1_x"));
        Assert.DoesNotContain(Marker, written, StringComparison.Ordinal);
    }

    [GeneratedRegex("boundary=\"?([^\";\\s]+)\"?", RegexOptions.CultureInvariant)]
    private static partial Regex Boundary();

    /// <summary>The text with its multipart boundaries (random per written mail) named by their order.</summary>
    private static string Masked(string mail)
    {
        var n = 0;
        foreach (var boundary in Boundary().Matches(mail).Select(m => m.Groups[1].Value).Distinct().ToList())
        {
            mail = mail.Replace(boundary, "boundary-" + n++, StringComparison.Ordinal);
        }

        return mail;
    }

    private static string Written(MimeMessage mail)
    {
        using var buffer = new MemoryStream();
        mail.WriteTo(FormatOptions.Default, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static NotificationFile[] Files() =>
    [
        new NotificationFile(9, "timeline.srt", "text/plain", 23, []),
        new NotificationFile(10, "Zeitplan für Folge 4 — endgültig.pdf", "application/pdf", 5000, []),
    ];
}
