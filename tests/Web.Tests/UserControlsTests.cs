using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Rendering;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Web.Tests.Support;
using HtmlAgilityPack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests;

/// <summary>Follow and mute, time zone, unread markers and Markdown, through the pages and forms a user meets, on a real
/// migrated database and the real posting and fan-out.</summary>
public sealed class UserControlsTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Title _title = null!;
    private Title _otherTitle = null!;
    private User _pm = null!;
    private User _fr = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("fr", "de");
        var vendor = await _app.World.VendorAsync(_title, "fr");
        _pm = await _app.World.UserAsync(UserRole.Pm);
        _fr = await _app.World.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _otherTitle = await _app.World.TitleAsync("fr");
        await _app.World.SaveAsync(db => db.Follows.Add(new Follow { UserId = _fr.Id, TitleId = _title.Id }));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string Path(string key) => $"/titles/{_title.Slug}/{key}";

    [Fact]
    public async Task MuteChannel_ThroughTheWeb_StopsTheNextNotificationAndUnmuteRestoresIt()
    {
        using var client = await _app.SignedInAsync(_fr);
        Assert.Equal(1, await MailsToVendorAfterPostAsync("vendor-fr"));

        var muted = await WebApp.PostFormAsync(client, Path("vendor-fr"), Path("vendor-fr") + "/follow", new() { ["choice"] = "mute" });

        Assert.Equal(HttpStatusCode.Redirect, muted.StatusCode);
        Assert.Equal(Path("vendor-fr"), muted.Headers.Location?.OriginalString);
        Assert.Contains("Muted: no mail from this channel", await client.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(0, await MailsToVendorAfterPostAsync("vendor-fr"));
        Assert.Equal(1, await MailsToVendorAfterPostAsync("broadcast"));

        await WebApp.PostFormAsync(client, Path("vendor-fr"), Path("vendor-fr") + "/follow", new() { ["choice"] = "unmute" });

        Assert.Equal(1, await MailsToVendorAfterPostAsync("vendor-fr"));
    }

    [Fact]
    public async Task MuteTitle_ThroughTheWeb_OverridesTheFollowUntilUnmuted()
    {
        using var client = await _app.SignedInAsync(_fr);
        var title = $"/titles/{_title.Slug}";

        Assert.Equal(HttpStatusCode.Redirect, (await WebApp.PostFormAsync(client, title, title + "/follow", new() { ["choice"] = "mute" })).StatusCode);

        Assert.Equal(0, await MailsToVendorAfterPostAsync("vendor-fr"));
        Assert.Equal(0, await MailsToVendorAfterPostAsync("broadcast"));
        Assert.Contains("Muted: no mail from this title", await client.GetStringAsync(new Uri(title, UriKind.Relative)), StringComparison.Ordinal);

        await WebApp.PostFormAsync(client, title, title + "/follow", new() { ["choice"] = "unmute" });
        await WebApp.PostFormAsync(client, title, title + "/follow", new() { ["choice"] = "unfollow" });
        Assert.Equal(0, await MailsToVendorAfterPostAsync("vendor-fr"));

        await WebApp.PostFormAsync(client, Path("vendor-fr"), Path("vendor-fr") + "/follow", new() { ["choice"] = "follow" });

        Assert.Equal(1, await MailsToVendorAfterPostAsync("vendor-fr"));
        Assert.Equal(0, await MailsToVendorAfterPostAsync("broadcast"));
    }

    [Theory]
    [InlineData("vendor-de", HttpStatusCode.Forbidden)]
    [InlineData("internal", HttpStatusCode.Forbidden)]
    [InlineData("vendor-xx", HttpStatusCode.NotFound)]
    public async Task FollowOrMute_ChannelTheUserMayNotRead_RefusedAndNothingStored(string key, HttpStatusCode expected)
    {
        using var client = await _app.SignedInAsync(_fr);

        foreach (var choice in new[] { "follow", "mute" })
        {
            var response = await WebApp.PostFormAsync(client, Path("vendor-fr"), Path(key) + "/follow", new() { ["choice"] = choice });

            Assert.Equal(expected, response.StatusCode);
            Assert.DoesNotContain(Scene.Words["vendor-de"], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await _app.World.CountAsync<ChannelFollow>());
        Assert.Equal(0, await _app.World.CountAsync<ChannelMute>());
    }

    [Fact]
    public async Task FollowOrMute_TitleSharingNothing_NotFoundLikeItsPage()
    {
        using var client = await _app.SignedInAsync(_fr);
        var other = $"/titles/{_otherTitle.Slug}";

        var follow = await WebApp.PostFormAsync(client, Path("vendor-fr"), other + "/follow", new() { ["choice"] = "follow" });
        var mute = await WebApp.PostFormAsync(client, Path("vendor-fr"), other + "/vendor-fr/follow", new() { ["choice"] = "mute" });
        var page = await client.GetAsync(new Uri(other, UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (follow.StatusCode, mute.StatusCode, page.StatusCode));
        Assert.DoesNotContain(_otherTitle.Name, await follow.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await _app.World.CountAsync<Follow>());
        Assert.Equal(0, await _app.World.CountAsync<TitleMute>());
        Assert.Equal(0, await _app.World.CountAsync<ChannelMute>());
    }

    [Fact]
    public async Task FollowOrMute_WithoutAntiforgeryToken_RefusedAndNothingStored()
    {
        using var client = await _app.SignedInAsync(_fr);
        await client.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["choice"] = "mute" });
        var channel = await client.PostAsync(new Uri(Path("vendor-fr") + "/follow", UriKind.Relative), form);
        using var form2 = new FormUrlEncodedContent(new Dictionary<string, string> { ["choice"] = "unfollow", ["__RequestVerificationToken"] = "forged" });
        var title = await client.PostAsync(new Uri($"/titles/{_title.Slug}/follow", UriKind.Relative), form2);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (channel.StatusCode, title.StatusCode));
        Assert.Equal(0, await _app.World.CountAsync<ChannelMute>());
        Assert.Equal(1, await _app.World.CountAsync<Follow>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("MUTE")]
    [InlineData("delete")]
    [InlineData("mute;unfollow")]
    public async Task FollowOrMute_UnknownChoice_ClearErrorNothingChanged(string choice)
    {
        using var client = await _app.SignedInAsync(_fr);

        var response = await WebApp.PostFormAsync(client, Path("vendor-fr"), Path("vendor-fr") + "/follow", new() { ["choice"] = choice });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Choose follow, stop following, mute or unmute.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.World.CountAsync<ChannelMute>());
    }

    [Fact]
    public async Task ConversationPage_HostileMarkdown_RendersNothingActiveAndSafeLinksClickable()
    {
        var hostile = string.Join("\n\n", MarkdownHostile()) + "\n\nSee [the spec](https://example.com/spec) and https://example.com/auto";
        var id = await PostAsync(_pm, "vendor-fr", hostile);
        using var client = await _app.SignedInAsync(_fr);

        var html = await client.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));

        var document = new HtmlDocument();
        document.LoadHtml(html);
        var text = document.DocumentNode.SelectSingleNode($"//li[@id='m{id}']//div[contains(@class,'md')]");
        Assert.NotNull(text);
        Assert.Empty(ActiveContent.Find(text.InnerHtml));
        Assert.Contains(ActiveContent.Links(text.InnerHtml), l => l == ("https://example.com/spec", MessageMarkdown.LinkRel, "the spec"));
        Assert.Contains(ActiveContent.Links(text.InnerHtml), l => l.Href == "https://example.com/auto");
        Assert.Contains("<script>alert(1)</script>", HtmlEntity.DeEntitize(text.InnerText), StringComparison.Ordinal);
        // The page as a whole runs no script but its own static upload check.
        Assert.Equal(["script"], document.DocumentNode.Descendants("script").Select(s => s.Name));
    }

    [Fact]
    public async Task TimeZone_SetInSettings_TimesShownInItAcrossTheClockChangeWithUtcInstants()
    {
        var before = await PostAsync(_pm, "vendor-fr", "before the change");
        var after = await PostAsync(_pm, "vendor-fr", "after the change");
        await _app.World.SaveAsync(db =>
        {
            db.Messages.Single(m => m.Id == before).CreatedAtUtc = new DateTime(2026, 3, 29, 0, 30, 0, DateTimeKind.Utc);
            db.Messages.Single(m => m.Id == after).CreatedAtUtc = new DateTime(2026, 3, 29, 1, 30, 0, DateTimeKind.Utc);
        });
        using var client = await _app.SignedInAsync(_fr);

        var saved = await WebApp.PostFormAsync(client, "/settings", "/settings", new()
        {
            ["languages"] = "fr", ["broadcastDelivery"] = "immediate", ["vendorDelivery"] = "immediate", ["mentionDelivery"] = "immediate", ["timeZone"] = "Europe/Paris",
        });
        var html = await client.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Europe/Paris", await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _fr.Id).Select(s => s.TimeZone).SingleAsync()));
        var times = TimesOf(html);
        Assert.Contains(("2026-03-29T00:30:00Z", "3/29/2026 1:30 AM UTC+01:00"), times);
        Assert.Contains(("2026-03-29T01:30:00Z", "3/29/2026 3:30 AM UTC+02:00"), times);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Romance Standard Time")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Europe/Paris\r\nX-Injected: 1")]
    public async Task TimeZone_HostileValue_RefusedWithAClearErrorAndNothingSaved(string value)
    {
        using var client = await _app.SignedInAsync(_fr);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["timeZone"] = value });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a time zone: use an IANA name such as Europe/Paris", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Equal("UTC", await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _fr.Id).Select(s => s.TimeZone).SingleAsync()));
    }

    [Fact]
    public async Task Unread_ReplyByMail_CountedOnTitlesUntilTheChannelIsOpenedThenDividerMarksNewOnes()
    {
        using var pm = await _app.SignedInAsync(_pm);
        await PostAsync(_pm, "vendor-fr", "Please check reel 2");
        Assert.DoesNotContain("class=\"unread\"", await pm.GetStringAsync(new Uri($"/titles/{_title.Slug}", UriKind.Relative)), StringComparison.Ordinal);
        await pm.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));

        await ReplyByMailAsync(_fr, "vendor-fr", "Checked, two fixes");

        Assert.Contains("<span class=\"unread\">1 new</span>", await pm.GetStringAsync(new Uri("/titles", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("<span class=\"unread\">1 new</span>", await pm.GetStringAsync(new Uri($"/titles/{_title.Slug}", UriKind.Relative)), StringComparison.Ordinal);
        var opened = await pm.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));
        Assert.Contains("New since your last visit", opened, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"unread\"", await pm.GetStringAsync(new Uri($"/titles/{_title.Slug}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain("New since your last visit", await pm.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unread_OwnMessages_NeverCountNorDrawTheDivider()
    {
        using var pm = await _app.SignedInAsync(_pm);
        await PostAsync(_fr, "vendor-fr", "from the vendor");
        await pm.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative));

        await WebApp.PostMultipartAsync(pm, Path("vendor-fr"), Path("vendor-fr") + "/messages", "my own answer");

        Assert.DoesNotContain("class=\"unread\"", await pm.GetStringAsync(new Uri("/titles", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain("New since your last visit", await pm.GetStringAsync(new Uri(Path("vendor-fr"), UriKind.Relative)), StringComparison.Ordinal);
    }

    private static IEnumerable<string> MarkdownHostile() =>
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](VBScript:msgbox(1))",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "![pixel](https://tracker.example/p.gif)",
        "<img src=x onerror=alert(1)>",
        "<div onclick=alert(1)>raw block</div>",
    ];

    private static List<(string Instant, string Shown)> TimesOf(string html)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        return document.DocumentNode.Descendants("time")
            .Select(t => (t.GetAttributeValue("datetime", string.Empty), HtmlEntity.DeEntitize(t.InnerText).Replace('\u202f', ' '))).ToList();
    }

    private async Task<long> PostAsync(User author, string key, string text)
    {
        var result = await _app.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, key).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Message!.Id;
    }

    /// <summary>How many notifications to the vendor user a post by the PM in the channel queues (the real fan-out).</summary>
    private async Task<int> MailsToVendorAfterPostAsync(string key)
    {
        var address = _fr.Emails[0].Address;
        var before = await _app.QueryAsync(db => db.OutboundMails.CountAsync(m => m.ToAddress == address && m.Purpose == OutboundPurposes.Notification));
        await PostAsync(_pm, key, "Reel 2 timeline " + Guid.NewGuid().ToString("N")[..6]);
        await _app.Database.FanOutAsync();
        return await _app.QueryAsync(db => db.OutboundMails.CountAsync(m => m.ToAddress == address && m.Purpose == OutboundPurposes.Notification)) - before;
    }

    private async Task ReplyByMailAsync(User user, string key, string text)
    {
        await MailReplies.IngestAsync(_app.Database, user, World.Channel(_title, key), text);
        Assert.Equal(1, await _app.QueryAsync(db => db.Messages.CountAsync(m => m.Origin == MessageOrigin.Email && m.Text.StartsWith(text))));
    }
}
