using System.Text.RegularExpressions;
using ClpMailGateway.Localization;
using ClpMailGateway.Outbound;
using MimeKit;
using Snapshooter;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>Every mail kind in every shipped language: a snapshot of each (subject, text, HTML), and checks that
/// nothing of the template machinery shows through and that every language has every string.</summary>
public sealed partial class LocalizedMailTests
{
    public static TheoryData<string, string> KindsAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in MailTemplates.Kinds)
        {
            foreach (var language in MailLanguages.Supported)
            {
                data.Add(kind, language);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Compose_KindInLanguage_MatchesItsSnapshot(string kind, string language)
    {
        using var mail = MailSamples.Compose(kind, language, MailSamples.Values.Ordinary);

        Snapshot.Match(new { mail.Subject, Text = mail.TextBody, Html = mail.HtmlBody }, SnapshotNameExtension.Create(kind, language));
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Compose_KindInLanguage_NoPlaceholderOrTemplateSyntaxLeft(string kind, string language)
    {
        using var mail = MailSamples.Compose(kind, language, MailSamples.Values.Ordinary);

        foreach (var (part, text) in new[] { ("subject", mail.Subject ?? string.Empty), ("text", mail.TextBody ?? string.Empty), ("html", mail.HtmlBody ?? string.Empty) })
        {
            Assert.False(Placeholder().IsMatch(text), $"{kind}/{language} {part} has a placeholder left: {Placeholder().Match(text).Value}");
            Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
            Assert.DoesNotContain("{%", text, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(text), $"{kind}/{language} {part} is empty");
        }

        Assert.Contains($"<html lang=\"{language}\" dir=\"{(language is "ar" or "he" ? "rtl" : "ltr")}\">", mail.HtmlBody!, StringComparison.Ordinal);
        Assert.True(mail.Subject!.StartsWith(kind switch { "notification" => "[Blue Harbor S2] ", "digest" => "[CLP digest] ", _ => "[CLP] " }, StringComparison.Ordinal),
            $"{kind}/{language} subject lost its prefix: {mail.Subject}");
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Compose_KindInLanguageOtherThanEnglish_WrittenInItsOwnWords(string kind, string language)
    {
        if (language == MailLanguages.English)
        {
            return;
        }

        using var english = MailSamples.Compose(kind, MailLanguages.English, MailSamples.Values.Ordinary);
        using var mail = MailSamples.Compose(kind, language, MailSamples.Values.Ordinary);

        Assert.NotEqual(english.TextBody, mail.TextBody);
        Assert.NotEqual(english.HtmlBody, mail.HtmlBody);
    }

    [Fact]
    public void Strings_EveryShippedLanguage_HasEveryEnglishString()
    {
        var missing = MailTemplates.Shipped.Missing.Where(m => m.Value.Count > 0).Select(m => $"{m.Key}: {string.Join(", ", m.Value)}").ToList();

        Assert.True(missing.Count == 0, "Strings that read in English: " + string.Join("; ", missing));
        Assert.Equal(MailLanguages.Supported.Order(), MailTemplates.Shipped.Missing.Keys.Order());
    }

    [Fact]
    public void Strings_EveryLanguage_KeepsTheEnglishPlaceholders()
    {
        var templates = MailTemplates.Shipped;
        var folder = Path.Combine(templates.Folder, "strings");
        var english = Read(Path.Combine(folder, "en.json"));
        var problems = new List<string>();
        foreach (var language in MailLanguages.Supported.Where(l => l != MailLanguages.English))
        {
            var own = Read(Path.Combine(folder, language + ".json"));
            problems.AddRange(own.Keys.Except(english.Keys).Select(key => $"{language}: {key} is not an English key"));
            foreach (var (key, text) in english)
            {
                if (own.TryGetValue(key, out var translated)
                    && !Placeholder().Matches(text).Select(m => m.Value).Order().SequenceEqual(Placeholder().Matches(translated).Select(m => m.Value).Order()))
                {
                    problems.Add($"{language}: {key} has other placeholders than the English one");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void Notification_SameMessageInTwoLanguages_KeepsTheMachineHeadersAlike()
    {
        using var english = MailSamples.Compose("notification", "en", MailSamples.Values.Ordinary);
        using var arabic = MailSamples.Compose("notification", "ar", MailSamples.Values.Ordinary);

        foreach (var header in new[] { "Reply-To", "References", "In-Reply-To", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Message-Id", "X-CLP-Reason", "Auto-Submitted" })
        {
            Assert.Equal(english.Headers[header], arabic.Headers[header]);
        }

        Assert.Equal("<https://clp.example/unsubscribe/t1_bbbbbbbbbbbbbbbbbbbbbbbb>, <mailto:reply@clp.test?subject=unsubscribe%20t1_bbbbbbbbbbbbbbbbbbbbbbbb>", arabic.Headers["List-Unsubscribe"]);
    }

    [Fact]
    public void Digest_Reader_OneSectionPerChannelWithItsLink()
    {
        using var mail = MailSamples.Compose("digest", "fr", MailSamples.Values.Ordinary);

        var sections = mail.HtmlBody!.Split("<h2 ").Skip(1).ToList();
        Assert.Equal(2, sections.Count);
        Assert.Contains("href=\"https://clp.example/titles/blue-harbor-s2/broadcast\"", sections[0], StringComparison.Ordinal);
        Assert.Contains("href=\"https://clp.example/titles/blue-harbor-s2/vendor-ja\"", sections[1], StringComparison.Ordinal);
        Assert.Contains(MailTemplates.Shipped.Text("fr", "common.channel_broadcast"), sections[0], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith("<https://clp.example/unsubscribe/t1_digesttoken>", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
    }

    [Fact]
    public void Rejection_ReplyToDigest_ToldInTheReadersLanguageWithEachChannelsLink()
    {
        using var mail = MailSamples.Compose("rejection", "ja", MailSamples.Values.Ordinary);

        Assert.Equal("digest_reply", mail.Headers["X-CLP-Reject-Reason"]);
        Assert.Contains(MailTemplates.Shipped.Text("ja", "reason.digest_reply"), mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(MailTemplates.Shipped.Text("ja", "reason.digest_reply_advice"), mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(
            $"Blue Harbor S2 · {MailTemplates.Shipped.Text("ja", "common.channel_broadcast")}{MailTemplates.Shipped.Text("ja", "common.label_colon")}https://clp.example/titles/blue-harbor-s2/broadcast",
            mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://clp.example/titles/blue-harbor-s2/vendor-ja", mail.HtmlBody!, StringComparison.Ordinal);
        Assert.StartsWith("[CLP] ", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_JapaneseAndArabic_PartsAreUtf8()
    {
        foreach (var language in new[] { "ja", "ar" })
        {
            using var mail = MailSamples.Compose("notification", language, MailSamples.Values.Ordinary);
            var parts = mail.BodyParts.OfType<TextPart>().ToList();
            Assert.Equal(2, parts.Count);
            Assert.All(parts, part => Assert.Equal("utf-8", part.ContentType.Charset, ignoreCase: true));
        }
    }

    private static Dictionary<string, string> Read(string path) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(File.ReadAllText(path))!
            .SelectMany(section => section.Value.Select(word => (Key: section.Key + "." + word.Key, word.Value)))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"\{[a-z_]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
