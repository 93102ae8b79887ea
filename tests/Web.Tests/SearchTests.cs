using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

public sealed class SearchTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Title _title = null!;
    private User _pm = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("ja", "fr");
        _pm = await _app.World.UserAsync(UserRole.Pm, languages: ["ja", "fr"]);
        var ja = World(_title, "vendor-ja");
        var fr = World(_title, "vendor-fr");
        await Scene.PostAsync(_app, _pm, ja, "第3話の字幕ファイルを納品しました。ご確認ください。");
        await Scene.PostAsync(_app, _pm, ja, "QC starts today for the Japanese subtitles.");
        await Scene.PostAsync(_app, _pm, fr, "Le résumé de l'épisode 2 est prêt; the timeline drifts by 12 frames.");
        await Scene.PostAsync(_app, _pm, fr, "<b>bold</b> <script>alert('x')</script> timeline check");
        await Scene.PostAsync(_app, _pm, fr, "The locked cut arrives on Friday.");
        _client = await _app.SignedInAsync(_pm);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("vendor-fr", "resume", "résumé")]
    [InlineData("vendor-fr", "RÉSUMÉ", "résumé")]
    [InlineData("vendor-fr", "timel*", "timeline")]
    [InlineData("vendor-fr", "\"locked cut\"", "locked cut")]
    [InlineData("vendor-ja", "字幕", "字幕")]
    [InlineData("vendor-ja", "字幕ファイル", "字幕ファイル")]
    [InlineData("vendor-ja", "納品", "納品")]
    [InlineData("vendor-ja", "ご確認ください", "ご確認ください")]
    public async Task Search_Query_FindsAndHighlightsTheMatch(string channel, string query, string marked)
    {
        var html = await SearchAsync(channel, query, HttpStatusCode.OK);

        Assert.Contains($"<mark>{marked}</mark>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No results", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_SeveralHits_NewestFirstWithCount()
    {
        var html = await SearchAsync("vendor-fr", "timeline", HttpStatusCode.OK);

        Assert.Contains("2 results", html, StringComparison.Ordinal);
        Assert.Contains("(newest first)", html, StringComparison.Ordinal);
        Assert.True(
            html.IndexOf("&lt;b&gt;bold", StringComparison.Ordinal) < html.IndexOf("12 frames", StringComparison.Ordinal),
            "the later message comes first");
    }

    [Fact]
    public async Task Search_MoreHitsThanShown_SaysHowManyAndThatTheNewestAreShown()
    {
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:SearchResults"] = "5" });
        var title = await app.World.TitleAsync("fr");
        var pm = await app.World.UserAsync(UserRole.Pm, languages: ["fr"]);
        for (var i = 0; i < 7; i++)
        {
            await Scene.PostAsync(app, pm, World(title, "vendor-fr"), $"glossary update {i}");
        }

        using var client = await app.SignedInAsync(pm);
        var response = await client.GetAsync(new Uri($"/titles/{title.Slug}/vendor-fr/search?q=glossary", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("7 results", html, StringComparison.Ordinal);
        Assert.Contains("(the newest 5 shown; add words to narrow it down)", html, StringComparison.Ordinal);
        Assert.Contains("<mark>glossary</mark> update 6", html, StringComparison.Ordinal);
        Assert.DoesNotContain("update 0", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t*")]
    [InlineData("timeline é*")]
    public async Task Search_OneLetterPrefix_ExplainsWhy(string query)
    {
        var html = await SearchAsync("vendor-fr", query, HttpStatusCode.OK);

        Assert.Contains("A prefix search needs at least 2 letters before the *", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No results", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_PhraseInWrongOrder_FindsNothing()
    {
        var html = await SearchAsync("vendor-fr", "\"cut locked\"", HttpStatusCode.OK);

        Assert.Contains("No results", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_MessageWithMarkup_IsEncodedThenMarked()
    {
        var html = await SearchAsync("vendor-fr", "bold", HttpStatusCode.OK);

        Assert.Contains("&lt;b&gt;<mark>bold</mark>&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_OtherChannelsWord_IsNotFoundHere()
    {
        var html = await SearchAsync("vendor-ja", "timeline", HttpStatusCode.OK);

        Assert.Contains("No results", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"\"\"")]
    [InlineData("'")]
    [InlineData("*")]
    [InlineData("***timeline")]
    [InlineData("AND OR NOT")]
    [InlineData("timeline AND")]
    [InlineData("NEAR(timeline cut)")]
    [InlineData("Text:timeline")]
    [InlineData("rowid:1")]
    [InlineData(")(")]
    [InlineData("{timeline}")]
    [InlineData("^timeline")]
    [InlineData("-timeline")]
    [InlineData("+")]
    [InlineData("%_%")]
    [InlineData("\\")]
    [InlineData("'; DROP TABLE Messages; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("😀")]
    [InlineData("😀字")]
    [InlineData("字")]
    [InlineData("\u0002timeline\u0003")]
    [InlineData("\ud800")]
    [InlineData("e\u0301")]
    [InlineData("   ")]
    [InlineData("")]
    public async Task Search_OddQuery_AnswersResultsOrNoResults(string query)
    {
        var html = await SearchAsync("vendor-fr", query, HttpStatusCode.OK);

        Assert.True(html.Contains("No results", StringComparison.Ordinal) || html.Contains("result", StringComparison.Ordinal)
            || html.Contains("Type a word", StringComparison.Ordinal), html);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Equal(5, await _app.World.CountAsync<Message>());
    }

    [Fact]
    public async Task Search_VeryLongQuery_AnswersAPage()
    {
        var html = await SearchAsync("vendor-fr", string.Concat(Enumerable.Repeat("timeline \"", 2000)), HttpStatusCode.OK);

        Assert.Contains("result", html, StringComparison.Ordinal);
    }

    private async Task<string> SearchAsync(string channel, string query, HttpStatusCode expected)
    {
        var response = await _client.GetAsync(new Uri($"/titles/{_title.Slug}/{channel}/search?q={Uri.EscapeDataString(query)}", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {html}");
        return html;
    }

    private static Channel World(Title title, string key) => ClpMailGateway.TestSupport.World.Channel(title, key);
}
