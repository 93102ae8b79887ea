using ClpMailGateway.Localization;
using ClpMailGateway.Outbound;
using ClpMailGateway.Rendering;
using HtmlAgilityPack;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>Values are data, never template text: names, titles, message text, file names and subjects holding Liquid,
/// placeholders, HTML, CRLF and U+202E come out as literal text in both parts and cannot add a header or turn the
/// text around them.</summary>
public sealed class HostileMailValuesTests
{
    private static readonly MailSamples.Values Hostile = new(
        Person: "Eve {{ t.common.hello }} <script>alert(1)</script>\r\nBcc: victim@evil.example \u202Egnp.exe",
        Title: "{% raw %}{{ subject }}{% endraw %} <img src=x onerror=alert(1)> {place} \u202Eevil",
        Text: "{{ t.signin.button }} {% if true %}x{% endif %} <script>alert(2)</script>\r\nBcc: x@evil.example {title} \u202Eabc",
        FileName: "{{text}}.pdf",
        Subject: "Re: {{ t.common.automatic }}\r\nBcc: evil@example.com \u202Eexe.pdf");

    public static TheoryData<string, string> KindsInThreeScripts()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in MailTemplates.Kinds)
        {
            foreach (var language in new[] { "en", "ar", "ja" })
            {
                data.Add(kind, language);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsInThreeScripts))]
    public void Compose_HostileValues_NoHeaderAddedNoMarkupNoBidiControlInHeaders(string kind, string language)
    {
        using var composed = MailSamples.Compose(kind, language, Hostile);
        using var mail = RoundTrip(composed);

        Assert.Single(mail.To.Mailboxes);
        Assert.Empty(mail.Bcc);
        Assert.Equal(1, mail.Headers.Count(h => h.Id == HeaderId.Subject));
        Assert.DoesNotContain(mail.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
        foreach (var header in mail.Headers.Where(h => h.Id is HeaderId.Subject or HeaderId.From or HeaderId.To))
        {
            Assert.False(BidiText.HasControls(header.Value), $"{kind}/{language}: {header.Field} carries a bidirectional control");
            Assert.DoesNotContain('\n', header.Value.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal).Trim());
        }

        var html = new HtmlDocument();
        html.LoadHtml(mail.HtmlBody!);
        Assert.Null(html.DocumentNode.SelectSingleNode("//script|//img|//iframe|//object"));
        Assert.DoesNotContain(html.DocumentNode.Descendants().SelectMany(n => n.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.False(BidiText.HasControls(html.DocumentNode.SelectSingleNode("//title")!.InnerText), "the HTML title carries a bidirectional control");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public void Notification_HostileValues_ShownLiterallyAndIsolated(string language)
    {
        using var mail = RoundTrip(MailSamples.Compose("notification", language, Hostile));
        var htmlText = HtmlEntity.DeEntitize(InnerText(mail.HtmlBody!));

        // Each value as it was given, in both parts; in text, isolated because it holds U+202E.
        Assert.Contains(("\u2068" + Hostile.Person + "\u2069").ReplaceLineEndings("\n"), mail.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(Hostile.Text.ReplaceLineEndings("\n"), mail.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("{{text}}.pdf", mail.TextBody!, StringComparison.Ordinal);
        Assert.Contains(Hostile.Person.ReplaceLineEndings("\n"), htmlText.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(Hostile.Title, htmlText, StringComparison.Ordinal);
        Assert.Contains("{{text}}.pdf", htmlText, StringComparison.Ordinal);
        // In HTML every name sits in its own <bdi>.
        Assert.Contains("<bdi>{{text}}.pdf</bdi>", mail.HtmlBody!, StringComparison.Ordinal);
        // Nothing was expanded: the words these Liquid lookups would have produced are not where the values were.
        Assert.DoesNotContain(MailTemplates.Shipped.Text(language, "signin.button"), mail.TextBody!, StringComparison.Ordinal);
    }

    [Fact]
    public void Notification_FileNamedAsATemplateVariable_ListedByItsNameNotReplacedByTheMessage()
    {
        var values = MailSamples.Values.Ordinary with { FileName = "{{text}}.pdf" };

        using var mail = MailSamples.Compose("notification", MailLanguages.English, values);
        using var plain = MailSamples.Compose("notification", MailLanguages.English, MailSamples.Values.Ordinary);

        var fileLine = mail.TextBody!.Split('\n').Single(line => line.StartsWith("  - ", StringComparison.Ordinal));
        Assert.StartsWith("  - {{text}}.pdf (2 KB", fileLine, StringComparison.Ordinal);
        // The message's text shows as often as beside an ordinary file name: the file's name did not bring it in again.
        Assert.Equal(plain.TextBody!.Split("Reel 2 timeline is fixed.").Length, mail.TextBody.Split("Reel 2 timeline is fixed.").Length);
        Assert.Equal(plain.HtmlBody!.Split("Reel 2 timeline is fixed.").Length, mail.HtmlBody!.Split("Reel 2 timeline is fixed.").Length);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("he")]
    public void Rejection_HostileSubjectAndFileName_QuotedLiterally(string language)
    {
        using var mail = RoundTrip(MailSamples.AttachmentRejection(language, Hostile));

        Assert.Contains("{{text}}.pdf", mail.TextBody!, StringComparison.Ordinal);
        Assert.Contains("{{ t.common.automatic }}", mail.TextBody!, StringComparison.Ordinal);
        Assert.Contains("> {{ t.signin.button }}", mail.TextBody!, StringComparison.Ordinal);
        Assert.Contains("{{ t.common.automatic }}", mail.Subject!, StringComparison.Ordinal);
        Assert.False(BidiText.HasControls(mail.Subject!));
        Assert.Contains(MailTemplates.Shipped.Text(language, "reason.attachment_too_large_advice", ("limit", "10 MB")), mail.TextBody!, StringComparison.Ordinal);
    }

    private static MimeMessage RoundTrip(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        buffer.Position = 0;
        return MimeMessage.Load(buffer);
    }

    private static string InnerText(string html)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        return document.DocumentNode.SelectSingleNode("//body")!.InnerText;
    }
}
