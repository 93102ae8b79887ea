using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Outbound;

public partial class NotificationComposerTests
{
    private const string ReplyToken = "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string UnsubscribeToken = "t1_bbbbbbbbbbbbbbbbbbbbbbbb";
    private static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };
    private static readonly MailTemplates Templates = MailTemplates.Shipped;
    private static readonly Recipient Lea = new(42, "Léa Martin", "fr.lea@clp.test", DeliveryMode.Immediate, RecipientReason.Follower);

    [GeneratedRegex("boundary=\"?[^\";]+\"?", RegexOptions.CultureInvariant)]
    private static partial Regex Boundary();

    [Fact]
    public void Compose_MessageWithSmallFile_SnapshotOfHeadersTextAndHtml()
    {
        var mail = NotificationComposer.Compose(Mail, Templates, Content("Please check the timeline of reel 2 <before> Friday & tell me.\nThanks!", SmallFile()), Lea, ReplyToken, UnsubscribeToken, 5 * 1024 * 1024);

        Snapshot.Match(Describe(mail));
    }

    [Fact]
    public void Compose_Mention_SaysWhyAndKeepsThreadHeaders()
    {
        var mention = Lea with { Reason = RecipientReason.Mention };

        var mail = NotificationComposer.Compose(Mail, Templates, Content("Hi @lea", []), mention, ReplyToken, UnsubscribeToken, 100);

        Assert.Equal("mention", mail.Headers["X-CLP-Reason"]);
        Assert.Equal("m1234.u42@clp.test", mail.MessageId);
        Assert.Equal("c7.u42@clp.test", mail.InReplyTo);
        Assert.Equal(["c7.u42@clp.test", "reply-" + ReplyToken + "@clp.test"], mail.References);
        Assert.Equal("reply+" + ReplyToken + "@clp.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("Anna Kowalski mentioned you", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_FilesAtOrAboveLimit_AreLinkedNotAttached()
    {
        var file = SmallFile();

        var mail = NotificationComposer.Compose(Mail, Templates, Content("See file", file), Lea, ReplyToken, UnsubscribeToken, file[0].SizeBytes);

        Assert.Empty(mail.Attachments);
        Assert.Contains("https://clp.example/attachments/9", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("href=\"https://clp.example/attachments/9\"", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_FilesBelowLimit_AreAttached()
    {
        var file = SmallFile();

        var mail = NotificationComposer.Compose(Mail, Templates, Content("See file", file), Lea, ReplyToken, UnsubscribeToken, file[0].SizeBytes + 1);

        var attached = Assert.IsAssignableFrom<MimePart>(Assert.Single(mail.Attachments));
        Assert.Equal("timeline.srt", attached.FileName);
    }

    [Theory]
    [InlineData("Short text")]
    [InlineData("The locked cut arrives tomorrow morning, please hold every conform until it is here")]
    [InlineData("")]
    public void Subject_AnyMessage_IsTheConversationOnly(string text)
    {
        Assert.Equal("[Blue Harbor S2] Vendor · French (fr)", NotificationComposer.Subject(Content(text, SmallFile()), Templates, "en"));
    }

    [Theory]
    [InlineData("Short text", "Anna Kowalski: Short text", false)]
    [InlineData("  spread\n over\tlines  ", "Anna Kowalski: spread over lines", true)]
    [InlineData("The locked cut arrives tomorrow morning, please hold every conform until it is here, and tell the dubbing team too",
        "Anna Kowalski: The locked cut arrives tomorrow morning, please hold every conform until it is here, and tell the…", true)]
    public void Compose_BodyOpensWithAPreviewLine_AndTheWholeTextWhenTheLineIsNotAllOfIt(string text, string firstLine, bool repeated)
    {
        var mail = NotificationComposer.Compose(Mail, Templates, Content(text, []), Lea, ReplyToken, UnsubscribeToken, 100);

        var lines = mail.TextBody!.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(firstLine, lines[0]);
        Assert.Equal(repeated, mail.TextBody.Contains(text.Trim(), StringComparison.Ordinal) && lines[0] != "Anna Kowalski: " + text.Trim());
        Assert.Contains(firstLine, mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_FileOnly_PreviewNamesTheFile()
    {
        var mail = NotificationComposer.Compose(Mail, Templates, Content(string.Empty, SmallFile()), Lea, ReplyToken, UnsubscribeToken, 100);

        Assert.StartsWith("Anna Kowalski: timeline.srt", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_FirstOfItsChannel_IsTheThreadRootAndAnswersNothing()
    {
        var mail = NotificationComposer.Compose(Mail, Templates, Content("Hi", []), Lea with { StartsThread = true }, ReplyToken, UnsubscribeToken, 100);

        Assert.Equal("c7.u42@clp.test", mail.MessageId);
        Assert.Null(mail.InReplyTo);
        Assert.Equal(["reply-" + ReplyToken + "@clp.test"], mail.References);
    }

    [Fact]
    public void Compose_ValuesThatLookLikeTemplateSyntax_StayLiteral()
    {
        var files = new[] { new NotificationFile(9, "{{text}}.pdf", "application/pdf", 10, new byte[10]) };
        var mail = NotificationComposer.Compose(Mail, Templates, Content("{{channelUrl}} and {{#files}}x{{/files}}", files), Lea, ReplyToken, UnsubscribeToken, 0);

        Assert.Contains("{{text}}.pdf", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("{{channelUrl}} and {{#files}}x{{/files}}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("{{text}}.pdf", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SharedRendering_SameMailForEachRecipientAsAlone()
    {
        var binary = Enumerable.Range(0, 5000).Select(i => (byte)(i * 37 % 256)).ToArray();
        var content = Content("Please check <this> & that", [.. SmallFile(), new NotificationFile(10, "reel.bin", "application/octet-stream", binary.Length, binary)]);
        var shared = new NotificationRendering();
        Recipient[] recipients = [Lea, Lea with { UserId = 43, Address = "b@clp.test", Reason = RecipientReason.Mention }, Lea with { UserId = 44, Address = "c@clp.test" }];

        foreach (var recipient in recipients)
        {
            var unsubscribe = UnsubscribeToken + recipient.UserId;
            var alone = NotificationComposer.Compose(Mail, Templates, content, recipient, ReplyToken, unsubscribe, 1_000_000);
            var withShared = NotificationComposer.Compose(Mail, Templates, content, recipient, ReplyToken, unsubscribe, 1_000_000, shared);

            Assert.Equal(Bytes(alone), Bytes(withShared));
        }
    }

    [Fact]
    public void Compose_ByReference_FilesArePartsNamingTheirRowsWithoutContent()
    {
        var eml = System.Text.Encoding.ASCII.GetBytes("Subject: forwarded\r\n\r\nbody\r\n");
        var content = Content("Two files", [.. SmallFile(), new NotificationFile(10, "thread.eml", "message/rfc822", eml.Length, [])]);

        var mail = NotificationComposer.Compose(Mail, Templates, content, Lea, ReplyToken, UnsubscribeToken, 1_000_000, new NotificationRendering { ByReference = true });

        var parts = mail.Attachments.Cast<MimePart>().ToList();
        Assert.Equal(["timeline.srt", "thread.eml"], parts.Select(p => p.FileName));
        Assert.Equal(["9", "10"], parts.Select(p => p.Headers[AttachedFiles.Header]));
        Assert.All(parts, p => Assert.Equal(0, p.Content!.Stream!.Length));
        Assert.All(parts, p => Assert.Equal(ContentEncoding.Base64, p.ContentTransferEncoding));
        Assert.Equal("text/plain", parts[0].ContentType.MimeType);
        // Base64 is not allowed for message/rfc822 (RFC 2046 5.2.1): such a file goes as octet-stream, named as it is.
        Assert.Equal("application/octet-stream", parts[1].ContentType.MimeType);
        Assert.Contains("timeline.srt", mail.TextBody, StringComparison.Ordinal);
    }

    private static string Bytes(MimeMessage mail)
    {
        var n = 0;
        foreach (var multipart in Multiparts(mail.Body!))
        {
            multipart.Boundary = "boundary-" + n++;
        }

        using var buffer = new MemoryStream();
        mail.WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IEnumerable<Multipart> Multiparts(MimeEntity entity) =>
        entity is Multipart multipart ? multipart.SelectMany(Multiparts).Prepend(multipart) : [];

    private static NotificationFile[] SmallFile() => [new NotificationFile(9, "timeline.srt", "text/plain", 23, "1\n00:00:01,000 --> x\n"u8.ToArray())];

    internal static NotificationContent Content(string text, IReadOnlyList<NotificationFile> files) => new(
        1234,
        text,
        new DateTime(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc),
        "Anna Kowalski",
        7,
        ChannelKind.Vendor,
        "vendor-fr",
        "Vendor · French (fr)",
        "blue-harbor-s2",
        "Blue Harbor S2",
        files)
    {
        ChannelLanguage = "fr",
    };

    internal static object Describe(MimeMessage mail) => new
    {
        Headers = mail.Headers.Select(h => $"{h.Field}: {Boundary().Replace(h.Value, "boundary=<masked>")}").ToList(),
        Structure = mail.BodyParts.Select(p => p.ContentType.MimeType + (p is MimePart { FileName: { } name } ? " " + name : string.Empty)).ToList(),
        Text = mail.TextBody,
        Html = mail.HtmlBody,
    };
}
