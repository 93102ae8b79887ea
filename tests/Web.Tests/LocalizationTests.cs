using System.Collections;
using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using ClpMailGateway.Web.Localization;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

/// <summary>Every shipped language is complete, and a request gets the language it should: the user's choice in
/// settings, else Accept-Language, else English; Arabic and Hebrew right to left.</summary>
[Trait("Database", "Indifferent")]
public sealed partial class LocalizationTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public static TheoryData<string> Cultures() => [.. WebCultures.Supported.Where(c => c != WebCultures.Default)];

    /// <summary>The resource classes: one per area, each with its .resx files.</summary>
    private static List<Type> Areas { get; } = typeof(WebCultures).Assembly.GetTypes()
        .Where(t => t.Name.EndsWith("Strings", StringComparison.Ordinal) && t.Namespace?.StartsWith("ClpMailGateway.Web", StringComparison.Ordinal) == true)
        .ToList();

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Areas_EachHaveEnglishStrings()
    {
        Assert.True(Areas.Count >= 7, string.Join(", ", Areas.Select(a => a.Name)));
        Assert.Contains(typeof(Admin.AdminStrings), Areas);
        foreach (var area in Areas)
        {
            Assert.True(Strings(area, CultureInfo.InvariantCulture).Count > 0, $"{area.Name} has no neutral (English) strings");
        }
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Translation_EveryArea_HasEveryKeyAndKeepsItsPlaceholders(string culture)
    {
        var problems = new List<string>();
        foreach (var area in Areas)
        {
            var english = Strings(area, CultureInfo.InvariantCulture);
            var translated = Strings(area, CultureInfo.GetCultureInfo(culture));
            problems.AddRange(english.Keys.Except(translated.Keys).Select(k => $"{area.Name}.{k}: missing"));
            problems.AddRange(translated.Keys.Except(english.Keys).Select(k => $"{area.Name}.{k}: not in English"));
            foreach (var (key, text) in translated)
            {
                if (english.TryGetValue(key, out var source) && !Placeholders(source).SequenceEqual(Placeholders(text)))
                {
                    problems.Add($"{area.Name}.{key}: placeholders {string.Join(" ", Placeholders(text))}, English has {string.Join(" ", Placeholders(source))}");
                }

                if (string.IsNullOrWhiteSpace(text))
                {
                    problems.Add($"{area.Name}.{key}: empty");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void PostingCodes_EachHaveAStringInEveryCulture()
    {
        var keys = Enum.GetValues<Posting.PostErrorCode>().Select(Conversations.PostingPhrases.Key)
            .Concat(Enum.GetValues<Posting.MentionNoticeCode>().Select(Conversations.PostingPhrases.Key))
            .Concat(Enum.GetValues<Outbound.UnmailedReason>().Select(Conversations.PostingPhrases.Key))
            .ToList();
        var problems = new List<string>();
        foreach (var culture in WebCultures.Supported.Where(c => c != WebCultures.Default).Select(CultureInfo.GetCultureInfo).Append(CultureInfo.InvariantCulture))
        {
            var strings = Strings(typeof(Conversations.ConversationStrings), culture);
            problems.AddRange(keys.Where(k => !strings.ContainsKey(k)).Select(k => $"{culture.Name}: {k}"));
        }

        Assert.Equal(Enum.GetValues<Posting.PostErrorCode>().Length + Enum.GetValues<Posting.MentionNoticeCode>().Length + Enum.GetValues<Outbound.UnmailedReason>().Length, keys.Distinct().Count());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("ar", "ar", "rtl", "الرئيسية")]
    [InlineData("he-IL,he;q=0.9", "he", "rtl", "כניסה")]
    [InlineData("fr-CA,fr;q=0.9,en;q=0.5", "fr", "ltr", "Se connecter")]
    [InlineData("de-AT", "de", "ltr", "Anmelden")]
    [InlineData("ja-JP", "ja", "ltr", "ログイン")]
    [InlineData("xx-YY, *", "en", "ltr", "Sign in")]
    [InlineData("", "en", "ltr", "Sign in")]
    public async Task Page_AcceptLanguage_IsInThatLanguageAndDirection(string acceptLanguage, string lang, string dir, string text)
    {
        using var client = _app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPage_AcceptLanguage_IsTranslatedToo()
    {
        using var client = _app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/no-such-page", UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd("es");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No encontrado", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_LanguageChosen_WinsOverTheBrowserUntilSetBackToFollowIt()
    {
        var user = await _app.World.UserAsync(Domain.UserRole.Pm);
        using var client = await _app.SignedInAsync(user);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");

        var saved = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["language"] = "ja" });
        var japanese = await client.GetStringAsync(new Uri("/settings", UriKind.Relative));
        await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["language"] = string.Empty });
        var german = await client.GetStringAsync(new Uri("/settings", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("<html lang=\"ja\" dir=\"ltr\">", japanese, StringComparison.Ordinal);
        Assert.Contains("<option value=\"ja\" lang=\"ja\" selected>日本語</option>", japanese, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"de\" dir=\"ltr\">", german, StringComparison.Ordinal);
        Assert.Null(await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == user.Id).Select(s => s.Language).SingleAsync()));
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("en-GB-oed-x-private-use-but-far-too-long-to-be-one")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("ja\u202E")]
    public async Task Settings_UnknownOrHostileLanguage_IsRefusedWithAMessageAndNothingSaved(string language)
    {
        var user = await _app.World.UserAsync(Domain.UserRole.Pm);
        using var client = await _app.SignedInAsync(user);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["language"] = language });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a language these pages are offered in", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Null(await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == user.Id).Select(s => s.Language).SingleAsync()));
    }

    [Fact]
    public async Task Settings_HugeLanguageValue_IsRefusedAndClipped()
    {
        var user = await _app.World.UserAsync(Domain.UserRole.Pm);
        using var client = await _app.SignedInAsync(user);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["language"] = new string('x', 30_000) });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a language these pages are offered in", html, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 41), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_StoredLanguageNoLongerShipped_FollowsTheBrowser()
    {
        var user = await _app.World.UserAsync(Domain.UserRole.Pm);
        await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Language, "tlh")));
        using var client = await _app.SignedInAsync(user);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr");

        var html = await client.GetStringAsync(new Uri("/titles", UriKind.Relative));

        Assert.Contains("<html lang=\"fr\" dir=\"ltr\">", html, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Strings(Type area, CultureInfo culture)
    {
        var manager = new ResourceManager(area.FullName!, area.Assembly);
        var set = manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        Assert.True(set is not null, $"{area.Name} has no resources for '{culture.Name}'");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    private static List<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
