using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

public sealed partial class UnsubscribeTests : IAsyncLifetime
{
    private static readonly ReplyTokenOptions Keys = new() { CurrentKeyId = "t1", Keys = { ["t1"] = TestDatabase.TestTokenKey } };
    private WebApp _app = null!;
    private Title _title = null!;
    private User _vendor = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("fr");
        _vendor = await _app.World.UserAsync(UserRole.Vendor, await _app.World.VendorAsync(_title, "fr"), ["fr"]);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string ChannelToken(string key) => UnsubscribeTokenCodec.Encode(Keys, UnsubscribeTarget.ForChannel(_vendor.Id, World.Channel(_title, key).Id));

    [Fact]
    public async Task OneClick_NotificationTokenWithoutCookies_MutesThatChannelOnly()
    {
        using var client = _app.Client();

        var response = await OneClickAsync(client, ChannelToken("broadcast"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([World.Channel(_title, "broadcast").Id], await _app.QueryAsync(db => db.ChannelMutes.Where(m => m.UserId == _vendor.Id).Select(m => m.ChannelId).ToListAsync()));
        var settings = await _app.QueryAsync(db => db.UserSettings.SingleAsync(s => s.UserId == _vendor.Id));
        Assert.Equal((DeliveryMode.Immediate, DeliveryMode.Immediate), (settings.BroadcastDelivery, settings.VendorDelivery));
    }

    [Fact]
    public async Task Page_AfterOneClick_OffersUndoAndWiderChoicesThatWork()
    {
        using var client = _app.Client();
        var token = ChannelToken("vendor-fr");

        var html = await (await OneClickAsync(client, token)).Content.ReadAsStringAsync();

        Assert.Contains($"No more mail from {_title.Name} · Vendor · French (fr).", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"action=\"/unsubscribe/{token}/undo\"", html, StringComparison.Ordinal);
        var choices = FormActions().Matches(html).Select(m => m.Groups[1].Value).Where(a => !a.EndsWith("/undo", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, choices.Count); // this title, Vendor channels of every title, all mail
        var scopes = choices.Select(a => UnsubscribeTokenCodec.TryVerify(Keys, a["/unsubscribe/".Length..], out var t) ? t : default).ToList();
        Assert.Equal(
            [UnsubscribeTarget.ForTitle(_vendor.Id, _title.Id), UnsubscribeTarget.ForKind(_vendor.Id, ChannelKind.Vendor), UnsubscribeTarget.ForAll(_vendor.Id)],
            scopes);

        var undo = await client.PostAsync(new Uri($"/unsubscribe/{token}/undo", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        Assert.Equal(0, await _app.QueryAsync(db => db.ChannelMutes.CountAsync(m => m.UserId == _vendor.Id)));

        await OneClickAsync(client, choices[2]["/unsubscribe/".Length..]);
        var settings = await _app.QueryAsync(db => db.UserSettings.SingleAsync(s => s.UserId == _vendor.Id));
        Assert.Equal((DeliveryMode.Off, DeliveryMode.Off, false), (settings.BroadcastDelivery, settings.VendorDelivery, settings.MentionsEnabled));
    }

    [Fact]
    public async Task Confirmation_Get_ShowsAButtonThatPostsOneClickAndChangesNothing()
    {
        var token = ChannelToken("vendor-fr");
        using var client = _app.Client();

        var html = await client.GetStringAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative));

        Assert.Contains($"Stop mail from {_title.Name} · Vendor · French (fr)?", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"action=\"/unsubscribe/{token}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"List-Unsubscribe\" value=\"One-Click\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await _app.QueryAsync(db => db.ChannelMutes.CountAsync()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task OneClick_TamperedToken_IsNotFoundAndChangesNothing(int position)
    {
        var token = ChannelToken("broadcast").ToCharArray();
        var index = token.Length - 1 - position;
        token[index] = token[index] == 'a' ? 'b' : 'a';
        using var client = _app.Client();

        var response = await OneClickAsync(client, new string(token));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await _app.QueryAsync(db => db.ChannelMutes.CountAsync()));
    }

    [Theory]
    [InlineData("List-Unsubscribe=Yes")]
    [InlineData("")]
    public async Task OneClick_WrongBody_IsRefusedWithAReason(string form)
    {
        using var client = _app.Client();
        using var body = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await client.PostAsync(new Uri($"/unsubscribe/{ChannelToken("broadcast")}", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("List-Unsubscribe=One-Click", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneClick_TokenSignedWithAnotherKey_IsNotFound()
    {
        var other = new ReplyTokenOptions { CurrentKeyId = "t1", Keys = { ["t1"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) } };
        var token = UnsubscribeTokenCodec.Encode(other, UnsubscribeTarget.ForChannel(_vendor.Id, World.Channel(_title, "broadcast").Id));
        using var client = _app.Client();

        var response = await client.GetAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Confirmation_InFrench_NamesTheConversationInFrench()
    {
        using var client = _app.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/unsubscribe/{ChannelToken("vendor-fr")}", UriKind.Relative)));

        Assert.Contains($"Ne plus recevoir d'e-mails de : {_title.Name} · Prestataire · français (fr) ?", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Vendor · French", html, StringComparison.Ordinal);
    }

    /// <summary>Every scope a link can have is named in the reader's language: on the page, once done, and after the undo.</summary>
    [Theory]
    [InlineData("title", "alle Kanäle von {title}", "every channel of")]
    [InlineData("kind", "Dienstleisterkanäle aller Titel", "Vendor channels of every title")]
    [InlineData("digest", "Zusammenfassungen", "digests")]
    [InlineData("all", "alle E-Mails zu Nachrichten, auch zu Erwähnungen", "all mail about messages")]
    public async Task EveryScope_InGerman_IsNamedInGermanBeforeAfterAndOnUndo(string scope, string german, string english)
    {
        var target = scope switch
        {
            "title" => UnsubscribeTarget.ForTitle(_vendor.Id, _title.Id),
            "kind" => UnsubscribeTarget.ForKind(_vendor.Id, ChannelKind.Vendor),
            "digest" => UnsubscribeTarget.ForDigest(_vendor.Id, [ChannelKind.Vendor]),
            _ => UnsubscribeTarget.ForAll(_vendor.Id),
        };
        var token = UnsubscribeTokenCodec.Encode(Keys, target);
        var expected = german.Replace("{title}", _title.Name, StringComparison.Ordinal);
        using var client = _app.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");

        var page = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative)));
        var done = WebUtility.HtmlDecode(await (await OneClickAsync(client, token)).Content.ReadAsStringAsync());
        var undone = WebUtility.HtmlDecode(await (await client.PostAsync(new Uri($"/unsubscribe/{token}/undo", UriKind.Relative), null)).Content.ReadAsStringAsync());

        Assert.Contains($"Keine E-Mails mehr von: {expected}?", page, StringComparison.Ordinal);
        Assert.Contains($"Keine E-Mails mehr von: {expected}.", done, StringComparison.Ordinal);
        Assert.Contains($"Sie erhalten wieder E-Mails von: {expected}.", undone, StringComparison.Ordinal);
        Assert.All(new[] { page, done, undone }, html => Assert.DoesNotContain(english, html, StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> OneClickAsync(HttpClient client, string token)
    {
        using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        return await client.PostAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative), body);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormActions();
}
