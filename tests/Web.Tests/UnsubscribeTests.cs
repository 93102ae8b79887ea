using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

public sealed class UnsubscribeTests : IAsyncLifetime
{
    private static readonly ReplyTokenOptions Keys = new() { CurrentKeyId = "t1", Keys = { ["t1"] = TestDatabase.TestTokenKey } };
    private WebApp _app = null!;
    private User _vendor = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        var title = await _app.World.TitleAsync("fr");
        _vendor = await _app.World.UserAsync(UserRole.Vendor, await _app.World.VendorAsync(title, "fr"), ["fr"]);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OneClick_ValidTokenWithoutCookies_TurnsThatKindOff()
    {
        var token = UnsubscribeTokenCodec.Encode(Keys, _vendor.Id, ChannelKind.Broadcast);
        using var client = _app.Client();
        using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await client.PostAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settings = await _app.QueryAsync(db => db.UserSettings.SingleAsync(s => s.UserId == _vendor.Id));
        Assert.Equal(DeliveryMode.Off, settings.BroadcastDelivery);
        Assert.Equal(DeliveryMode.Immediate, settings.VendorDelivery);
    }

    [Fact]
    public async Task Confirmation_Get_ShowsAButtonThatPostsOneClick()
    {
        var token = UnsubscribeTokenCodec.Encode(Keys, _vendor.Id, ChannelKind.Vendor);
        using var client = _app.Client();

        var html = await client.GetStringAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative));

        Assert.Contains($"{_vendor.Handle}@clp.test will no longer get mail for new messages in Vendor channels", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/unsubscribe/{token}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"List-Unsubscribe\" value=\"One-Click\"", html, StringComparison.Ordinal);
        Assert.Equal(DeliveryMode.Immediate, await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _vendor.Id).Select(s => s.VendorDelivery).SingleAsync()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task OneClick_TamperedToken_IsNotFoundAndChangesNothing(int position)
    {
        var token = UnsubscribeTokenCodec.Encode(Keys, _vendor.Id, ChannelKind.Broadcast).ToCharArray();
        var index = token.Length - 1 - position;
        token[index] = token[index] == 'a' ? 'b' : 'a';
        using var client = _app.Client();
        using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await client.PostAsync(new Uri($"/unsubscribe/{new string(token)}", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(DeliveryMode.Immediate, await _app.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _vendor.Id).Select(s => s.BroadcastDelivery).SingleAsync()));
    }

    [Theory]
    [InlineData("List-Unsubscribe=Yes")]
    [InlineData("")]
    public async Task OneClick_WrongBody_IsRefusedWithAReason(string form)
    {
        var token = UnsubscribeTokenCodec.Encode(Keys, _vendor.Id, ChannelKind.Broadcast);
        using var client = _app.Client();
        using var body = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await client.PostAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("List-Unsubscribe=One-Click", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneClick_TokenSignedWithAnotherKey_IsNotFound()
    {
        var other = new ReplyTokenOptions { CurrentKeyId = "t1", Keys = { ["t1"] = Convert.ToBase64String(new byte[32]) } };
        var token = UnsubscribeTokenCodec.Encode(other, _vendor.Id, ChannelKind.Broadcast);
        using var client = _app.Client();

        var response = await client.GetAsync(new Uri($"/unsubscribe/{token}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
