using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Rendering;
using ClpMailGateway.TestSupport;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>Mail bodies in the reader's time zone and safe Markdown; headers in UTC.</summary>
public class ReaderTimeMailTests
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };
    private static readonly MailTemplates Templates = MailTemplates.Shipped;
    private static readonly Recipient Lea = new(42, "Léa Martin", "fr.lea@clp.test", ClpMailGateway.Domain.DeliveryMode.Immediate, RecipientReason.Follower);

    [Theory]
    // Paris leaves winter time at 01:00 UTC on 2026-03-29: the same hour's two sides.
    [InlineData(2026, 3, 29, 0, 30, "Europe/Paris", "2026-03-29 01:30 UTC+01:00")]
    [InlineData(2026, 3, 29, 1, 30, "Europe/Paris", "2026-03-29 03:30 UTC+02:00")]
    // New York returns to standard time at 06:00 UTC on 2026-11-01: 01:30 local happens twice.
    [InlineData(2026, 11, 1, 5, 30, "America/New_York", "2026-11-01 01:30 UTC-04:00")]
    [InlineData(2026, 11, 1, 6, 30, "America/New_York", "2026-11-01 01:30 UTC-05:00")]
    [InlineData(2026, 11, 1, 6, 30, "Asia/Kolkata", "2026-11-01 12:00 UTC+05:30")]
    [InlineData(2026, 11, 1, 6, 30, "UTC", "2026-11-01 06:30 UTC")]
    public void Compose_ReadersZone_BodyShowsLocalTimeAndDateHeaderStaysUtc(int year, int month, int day, int hour, int minute, string zone, string shown)
    {
        var at = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc);
        var content = NotificationComposerTests.Content("Reel 2 is ready", []) with { CreatedAtUtc = at };

        var mail = NotificationComposer.Compose(Mail, Templates, content, Lea with { TimeZone = zone }, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b", 100);

        Assert.Contains(shown, mail.TextBody, StringComparison.Ordinal);
        // As a browser reads it: the encoder writes "+" as a character reference.
        Assert.Contains(shown, System.Net.WebUtility.HtmlDecode(mail.HtmlBody), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, mail.Date.Offset);
        Assert.Equal(at, mail.Date.UtcDateTime);
        Assert.EndsWith("+0000", mail.Headers[HeaderId.Date], StringComparison.Ordinal);
    }

    [Fact]
    public void Stamp_TwoZones_EachRecipientGetsTheirOwnTime()
    {
        var content = NotificationComposerTests.Content("Reel 2 is ready", []) with { CreatedAtUtc = new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc) };
        var shared = new NotificationRendering { ByReference = true };
        var paris = Lea with { TimeZone = "Europe/Paris" };
        var tokyo = new Recipient(43, "Ken", "ken@clp.test", ClpMailGateway.Domain.DeliveryMode.Immediate, RecipientReason.Follower) { TimeZone = "Asia/Tokyo" };

        var texts = new[] { paris, tokyo }.Select(r =>
        {
            var stamp = shared.Stamp(r, () => NotificationComposer.Stamp(Mail, Templates, content, r, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b", 0, shared));
            using var parsed = MimeMessage.Load(new MemoryStream(stamp.Write(content, r, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b")));
            return parsed.TextBody;
        }).ToList();

        Assert.Contains("2026-07-01 14:00 UTC+02:00", texts[0], StringComparison.Ordinal);
        Assert.Contains("2026-07-01 21:00 UTC+09:00", texts[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeDigest_ReadersZone_TimesInTheZoneAcrossTheClockChange()
    {
        var at = new DateTime(2026, 3, 29, 2, 0, 0, DateTimeKind.Utc);
        var content = new DigestContent(77, 42, "Léa", "fr.lea@clp.test", at,
        [
            new DigestGroup("Blue Harbor S2", "blue-harbor-s2", 5, "broadcast", "Broadcast",
            [
                new DigestEntry(1, "Anna", new DateTime(2026, 3, 29, 0, 45, 0, DateTimeKind.Utc), "Before the change", 0),
                new DigestEntry(2, "Anna", new DateTime(2026, 3, 29, 1, 15, 0, DateTimeKind.Utc), "After the change", 0),
            ]),
        ],
        "t1_digesttoken",
        "Europe/Paris");

        var mail = DigestComposer.Compose(Mail, Templates, content);

        Assert.Contains("Anna, 2026-03-29 01:45 UTC+01:00:", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Anna, 2026-03-29 03:15 UTC+02:00:", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(at, mail.Date.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, mail.Date.Offset);
    }

    [Theory]
    [MemberData(nameof(Rendering.MessageMarkdownTests.Hostile), MemberType = typeof(Rendering.MessageMarkdownTests))]
    public void Compose_HostileText_HtmlPartHasNothingActiveAndTextPartKeepsTheText(string text)
    {
        var mail = NotificationComposer.Compose(Mail, Templates, NotificationComposerTests.Content(text, []), Lea, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b", 100);
        var plain = NotificationComposer.Compose(Mail, Templates, NotificationComposerTests.Content("plain words", []), Lea, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b", 100);

        // The template's own head and inline styles are in every mail; the message adds nothing active to them.
        Assert.Equal(ActiveContent.Find(plain.HtmlBody!), ActiveContent.Find(mail.HtmlBody!));
        static string Words(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Words(text), Words(mail.TextBody!), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rendering.MessageMarkdownTests.Hostile), MemberType = typeof(Rendering.MessageMarkdownTests))]
    public void ComposeDigest_HostileText_HtmlPartHasNothingActive(string text)
    {
        var at = new DateTime(2026, 3, 29, 2, 0, 0, DateTimeKind.Utc);
        DigestContent Content(string body) => new(77, 42, "Léa", "fr.lea@clp.test", at,
            [new DigestGroup("T", "t", 5, "broadcast", "Broadcast", [new DigestEntry(1, "Anna", at, body, 0)])], "t1_digesttoken");

        Assert.Equal(
            ActiveContent.Find(DigestComposer.Compose(Mail, Templates, Content("plain words")).HtmlBody!),
            ActiveContent.Find(DigestComposer.Compose(Mail, Templates, Content(text)).HtmlBody!));
    }

    [Fact]
    public void Compose_MarkdownLink_IsALinkInHtmlAndTheTextAsPostedInText()
    {
        var mail = NotificationComposer.Compose(
            Mail, Templates, NotificationComposerTests.Content("See **the spec**: [spec](https://example.com/spec)", []), Lea, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_b", 100);

        Assert.Contains(ActiveContent.Links(mail.HtmlBody!), l => l == ("https://example.com/spec", MessageMarkdown.LinkRel, "spec"));
        Assert.Contains("<strong>the spec</strong>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("See **the spec**: [spec](https://example.com/spec)", mail.TextBody, StringComparison.Ordinal);
    }
}
