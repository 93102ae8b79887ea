using ClpMailGateway.Localization;
using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>The template engine's own rules, on a copy of the shipped folder changed per test.</summary>
public sealed class MailTemplatesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clp-templates-" + Guid.NewGuid().ToString("N"));

    public MailTemplatesTests()
    {
        foreach (var file in Directory.EnumerateFiles(MailTemplates.ShippedFolder, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_folder, Path.GetRelativePath(MailTemplates.ShippedFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    [Fact]
    public void Load_TemplateThatDoesNotParse_FailsNamingIt()
    {
        File.WriteAllText(Path.Combine(_folder, "digest.html.liquid"), "<p>{% for g in groups %}{{ g.place }</p>");

        var error = Assert.Throws<MailTemplateException>(() => MailTemplates.Load(_folder));

        Assert.Contains("digest.html.liquid does not parse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TemplateMissing_FailsNamingIt()
    {
        File.Delete(Path.Combine(_folder, "signin.txt.liquid"));

        var error = Assert.Throws<MailTemplateException>(() => MailTemplates.Load(_folder));

        Assert.Contains("signin.txt.liquid is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LanguageFileNotStrings_FailsNamingIt()
    {
        File.WriteAllText(Path.Combine(_folder, "strings", "fr.json"), "[1, 2]");

        var error = Assert.Throws<MailTemplateException>(() => MailTemplates.Load(_folder));

        Assert.Contains("strings/fr.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_StringALanguageLacks_ReadsInEnglishAndIsListedMissing()
    {
        var path = Path.Combine(_folder, "strings", "de.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"stop\": \"Keine Zusammenfassungen mehr\"", "\"unused\": \"x\"", StringComparison.Ordinal));

        var templates = MailTemplates.Load(_folder);

        Assert.Equal("Stop digests", templates.Text("de", "digest.stop"));
        Assert.Equal(["digest.stop"], templates.Missing["de"]);
        Assert.Empty(templates.Missing["fr"]);
    }

    [Fact]
    public void Text_ValueHoldingPlaceholdersAndLiquid_IsPutInOnceAsItIs()
    {
        var templates = MailTemplates.Shipped;

        var text = templates.Text("en", "notification.stop", ("place", "{place} {{ t.common.hello }} {% raw %}"));

        Assert.Equal("Stop mail from {place} {{ t.common.hello }} {% raw %}", text);
    }

    [Fact]
    public void Render_UnshippedLanguage_ReadsEnglish()
    {
        var (english, _) = MailTemplates.Shipped.Render("test", "en", new TemplateModel { ["gateway"] = "G", ["time"] = "T" });
        var (klingon, html) = MailTemplates.Shipped.Render("test", "tlh", new TemplateModel { ["gateway"] = "G", ["time"] = "T" });

        Assert.Equal(english, klingon);
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ar", "rtl")]
    [InlineData("he", "rtl")]
    [InlineData("ja", "ltr")]
    public void Render_Language_HtmlPartCarriesItsTagAndDirection(string language, string direction)
    {
        var (_, html) = MailTemplates.Shipped.Render("test", language, new TemplateModel { ["gateway"] = "G", ["time"] = "T" });

        Assert.Contains($"<html lang=\"{language}\" dir=\"{direction}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<body dir=\"{direction}\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, new string[0], "en", "en")]
    [InlineData("ja", new[] { "fr" }, "en", "ja")]
    [InlineData(null, new[] { "xx", "pt-PT", "fr" }, "en", "pt-BR")]
    [InlineData(null, new[] { "zh-TW" }, "en", "zh-Hant")]
    [InlineData(null, new[] { "zh-CN" }, "en", "zh-Hans")]
    [InlineData(null, new[] { "es-419" }, "en", "es")]
    [InlineData("not-a-language", new[] { "sv" }, "de", "de")]
    [InlineData("FR", new string[0], "en", "fr")]
    public void ForReader_ChoiceThenVendorLanguageThenDefault(string? chosen, string[] vendorLanguages, string fallback, string expected) =>
        Assert.Equal(expected, MailLanguages.ForReader(chosen, vendorLanguages, fallback));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
