using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

public sealed class SettingsTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Title _title = null!;
    private User _vendor = null!;
    private User _pm = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("fr", "de", "ja");
        var vendor = await _app.World.VendorAsync(_title, "fr", "de");
        _vendor = await _app.World.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _pm = await _app.World.UserAsync(UserRole.Pm, internalOn: false);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Save_ValidValues_AreStored()
    {
        using var client = await _app.SignedInAsync(_pm);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new()
        {
            ["internalMessages"] = "on", ["languages"] = "ja", ["internalDelivery"] = "digest", ["broadcastDelivery"] = "off", ["vendorDelivery"] = "immediate",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var settings = await _app.QueryAsync(db => db.UserSettings.SingleAsync(s => s.UserId == _pm.Id));
        Assert.True(settings.InternalMessagesEnabled);
        Assert.Equal(DeliveryMode.Digest, settings.InternalDelivery);
        Assert.Equal(DeliveryMode.Off, settings.BroadcastDelivery);
        Assert.Equal(["ja"], await _app.QueryAsync(db => db.UserLanguages.Where(l => l.UserId == _pm.Id).Select(l => l.Language).ToListAsync()));
        Assert.Contains("Settings saved.", await client.GetStringAsync(new Uri("/settings?saved=1", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_VendorChangesLanguages_ChangesWhatTheyMayRead()
    {
        using var client = await _app.SignedInAsync(_vendor);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(new Uri($"/titles/{_title.Slug}/vendor-de", UriKind.Relative))).StatusCode);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["languages"] = "de", ["broadcastDelivery"] = "immediate", ["vendorDelivery"] = "digest" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"/titles/{_title.Slug}/vendor-de", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(new Uri($"/titles/{_title.Slug}/vendor-fr", UriKind.Relative))).StatusCode);
    }

    /// <summary>Why a channel is refused or read-only is said in the reader's language, naming the language in it.</summary>
    [Theory]
    [InlineData("de", "vendor-de", HttpStatusCode.Forbidden, "Deutsch (de) gehört nicht zu den in Ihren Einstellungen aktivierten Sprachen", "is not among the languages")]
    [InlineData("ja", "vendor-ja", HttpStatusCode.Forbidden, "このタイトルではあなたのベンダーに 日本語 (ja) が割り当てられていません", "is not assigned")]
    [InlineData("fr", "broadcast", HttpStatusCode.OK, "seul le personnel publie dans le canal Diffusion ; répondez dans le canal de votre langue", "only staff post")]
    public async Task Channel_RefusedOrReadOnly_SaysWhyInTheReadersLanguage(string language, string channel, HttpStatusCode status, string reason, string english)
    {
        using var client = await _app.SignedInAsync(_vendor);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var response = await client.GetAsync(new Uri($"/titles/{_title.Slug}/{channel}", UriKind.Relative));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, html, StringComparison.Ordinal);
        Assert.DoesNotContain(english, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broadcastDelivery", "weekly", "Mail for Broadcast channels must be immediate, digest or off, not &#x27;weekly&#x27;.")]
    [InlineData("vendorDelivery", "2", "Mail for Vendor channels must be immediate, digest or off, not &#x27;2&#x27;.")]
    [InlineData("vendorDelivery", "", "Mail for Vendor channels must be immediate, digest or off")]
    [InlineData("languages", "ja", "&#x27;ja&#x27; is not a language you can choose here; choose from de, fr.")]
    [InlineData("languages", "<script>", "&#x27;&lt;script&gt;&#x27; is not a language you can choose here")]
    [InlineData("internalMessages", "on", "Internal messages are for staff only")]
    [InlineData("internalMessages", "maybe", "Internal messages must be on or off, not &#x27;maybe&#x27;.")]
    [InlineData("internalDelivery", "off", "Vendor accounts have no Internal channels")]
    public async Task Save_BadValue_SaysPreciselyWhatIsWrongAndSavesNothing(string field, string value, string message)
    {
        using var client = await _app.SignedInAsync(_vendor);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { [field] = value, ["broadcastDelivery"] = field == "broadcastDelivery" ? value : "off" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", html, StringComparison.Ordinal);
        Assert.False(await _app.QueryAsync(db => db.UserSettings.AnyAsync(s => s.UserId == _vendor.Id && s.BroadcastDelivery == DeliveryMode.Off)));
    }

    [Fact]
    public async Task Save_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = await _app.SignedInAsync(_vendor);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["broadcastDelivery"] = "off" });

        var response = await client.PostAsync(new Uri("/settings", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form could not be read", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_SuppressedAddress_IsShownAndCanBeReenabled()
    {
        var address = $"{_vendor.Handle}@clp.test";
        await _app.World.SaveAsync(db => db.AddressHealth.Add(new AddressHealth
        {
            Address = address, PermanentBounces = 1, LastBounceDetail = "permanent", SuppressedAtUtc = DateTime.UtcNow, LastBounceAtUtc = DateTime.UtcNow,
        }));
        using var client = await _app.SignedInAsync(_vendor);

        var page = await client.GetStringAsync(new Uri("/settings", UriKind.Relative));
        var response = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/reenable", new() { ["address"] = address });

        Assert.Contains($"Mail to {address} is paused", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Null(await _app.QueryAsync(db => db.AddressHealth.Where(a => a.Address == address).Select(a => a.SuppressedAtUtc).SingleAsync()));
    }

    [Fact]
    public async Task Reenable_SomeoneElsesAddress_IsRefused()
    {
        var other = $"{_pm.Handle}@clp.test";
        await _app.World.SaveAsync(db => db.AddressHealth.Add(new AddressHealth { Address = other, SuppressedAtUtc = DateTime.UtcNow }));
        using var client = await _app.SignedInAsync(_vendor);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/reenable", new() { ["address"] = other });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await _app.QueryAsync(db => db.AddressHealth.Where(a => a.Address == other).Select(a => a.SuppressedAtUtc).SingleAsync()));
    }

    [Fact]
    public async Task Save_MentionMailsOff_IsStoredAndDigestIsRefused()
    {
        using var client = await _app.SignedInAsync(_vendor);

        var digest = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["languages"] = "fr", ["mentionDelivery"] = "digest" });
        var off = await WebApp.PostFormAsync(client, "/settings", "/settings", new() { ["languages"] = "fr", ["mentionDelivery"] = "off" });

        Assert.Equal(HttpStatusCode.BadRequest, digest.StatusCode);
        Assert.Contains("Mentions are mailed at once or not at all", await digest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.False(await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _vendor.Id).Select(s => s.MentionsEnabled).SingleAsync()));
        Assert.Contains("<option value=\"off\" selected>Off</option>", await client.GetStringAsync(new Uri("/settings", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutes_AreListedAndCanBeUndone_OnlyTheUsersOwn()
    {
        var channel = ClpMailGateway.TestSupport.World.Channel(_title, "vendor-fr");
        await _app.World.SaveAsync(db =>
        {
            db.ChannelMutes.Add(new ChannelMute { UserId = _vendor.Id, ChannelId = channel.Id });
            db.TitleMutes.Add(new TitleMute { UserId = _pm.Id, TitleId = _title.Id });
        });
        using var client = await _app.SignedInAsync(_vendor);

        var page = await client.GetStringAsync(new Uri("/settings", UriKind.Relative));
        var someoneElses = await WebApp.PostFormAsync(client, "/settings", "/settings/mutes/remove", new() { ["titleId"] = _title.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var own = await WebApp.PostFormAsync(client, "/settings", "/settings/mutes/remove", new() { ["channelId"] = channel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Contains(WebUtility.HtmlEncode($"{_title.Name} · Vendor · French (fr)"), WebUtility.HtmlEncode(WebUtility.HtmlDecode(page)), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (someoneElses.StatusCode, own.StatusCode));
        Assert.Equal(0, await _app.QueryAsync(db => db.ChannelMutes.CountAsync()));
        Assert.Equal(1, await _app.QueryAsync(db => db.TitleMutes.CountAsync(m => m.UserId == _pm.Id)));
    }

    [Fact]
    public async Task SuppressedAddress_TheTitlesPageSaysSo_AndSettingsTurnItBackOn()
    {
        var address = _vendor.Emails[0].Address;
        await _app.World.SaveAsync(db => db.AddressHealth.Add(new AddressHealth
        {
            Address = address, SuppressedAtUtc = DateTime.UtcNow, PermanentBounces = 2, BounceScore = 4, LastBounceDetail = "permanent failure reported for mail 7",
        }));
        using var client = await _app.SignedInAsync(_vendor);

        var titles = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/titles", UriKind.Relative)));
        var settings = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/settings", UriKind.Relative)));
        var reenabled = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/reenable", new() { ["address"] = address });

        Assert.Contains($"Mail to {address} is paused because it bounced", titles, StringComparison.Ordinal);
        Assert.Contains("permanent failure reported for mail 7", settings, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, reenabled.StatusCode);
        var health = await _app.QueryAsync(db => db.AddressHealth.SingleAsync(a => a.Address == address));
        Assert.Equal((null, 0.0), (health.SuppressedAtUtc, health.BounceScore));
        Assert.DoesNotContain("is paused", await client.GetStringAsync(new Uri("/titles", UriKind.Relative)), StringComparison.Ordinal);
    }
}
