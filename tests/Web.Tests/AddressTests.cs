using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ClpMailGateway.Web.Tests;

/// <summary>Adding an address in settings: a confirmation link mailed to it; only a confirmed address is the user's.</summary>
public sealed partial class AddressTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private WebApp _app = null!;
    private User _vendor = null!;
    private User _other = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync(timeProvider: _time);
        var title = await _app.World.TitleAsync("fr");
        _vendor = await _app.World.UserAsync(UserRole.Vendor, await _app.World.VendorAsync(title, "fr"), ["fr"]);
        _other = await _app.World.UserAsync(UserRole.Pm);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Add_ThenOpenTheMailedLink_ConfirmsTheAddress()
    {
        using var client = await _app.SignedInAsync(_vendor);

        var added = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = " Lea.Home@Example.ORG " });

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var row = await _app.QueryAsync(db => db.UserEmails.SingleAsync(e => e.Address == "lea.home@example.org"));
        Assert.Equal((_vendor.Id, false, (DateTime?)null), (row.UserId, row.IsPrimary, row.VerifiedAtUtc));
        var link = await LinkMailedToAsync("lea.home@example.org");
        Assert.Contains("waiting for confirmation", await client.GetStringAsync(new Uri("/settings", UriKind.Relative)), StringComparison.Ordinal);

        // Opened in another browser, without a session: the page asks before anything changes (link scanners fetch it).
        using var anonymous = _app.Client();
        var confirm = await anonymous.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        Assert.Null(await _app.QueryAsync(db => db.UserEmails.Where(e => e.Address == "lea.home@example.org").Select(e => e.VerifiedAtUtc).SingleAsync()));
        var confirmed = await WebApp.PostFormAsync(anonymous, link.PathAndQuery, link.PathAndQuery, []);

        Assert.Contains("Confirm your address", confirm, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var verified = await _app.QueryAsync(db => db.UserEmails.SingleAsync(e => e.Address == "lea.home@example.org"));
        Assert.NotNull(verified.VerifiedAtUtc);
        Assert.Null(verified.VerificationSecretHash);

        // Once only.
        var again = await WebApp.PostFormAsync(anonymous, "/signin", link.PathAndQuery, []);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Link_AfterADay_NoLongerConfirms()
    {
        using var client = await _app.SignedInAsync(_vendor);
        await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = "late@example.org" });
        var link = await LinkMailedToAsync("late@example.org");

        _time.Advance(TimeSpan.FromHours(25));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative))).StatusCode);
        Assert.Null(await _app.QueryAsync(db => db.UserEmails.Where(e => e.Address == "late@example.org").Select(e => e.VerifiedAtUtc).SingleAsync()));
    }

    [Theory]
    [InlineData("not-an-address", "Enter an address such as name@example.com.")]
    [InlineData("reply+abc@clp.test", "That address belongs to this platform itself.")]
    [InlineData("notifications@clp.test", "That address belongs to this platform itself.")]
    public async Task Add_BadAddress_IsRefusedAndMailsNothing(string address, string error)
    {
        using var client = await _app.SignedInAsync(_vendor);

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = address });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(error).Replace("&#39;", "&#x27;", StringComparison.Ordinal), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.QueryAsync(db => db.OutboundMails.CountAsync()));
    }

    [Fact]
    public async Task Add_AnotherUsersAddress_IsRefusedWithoutSayingWhose()
    {
        using var client = await _app.SignedInAsync(_vendor);
        var theirs = _other.Emails[0].Address;

        var response = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = theirs });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot be added to your account", html, StringComparison.Ordinal);
        Assert.DoesNotContain(_other.Name, html, StringComparison.Ordinal);
        Assert.Equal(_other.Id, await _app.QueryAsync(db => db.UserEmails.Where(e => e.Address == theirs).Select(e => e.UserId).SingleAsync()));
    }

    [Fact]
    public async Task Add_AddressSomeoneElseNeverConfirmed_IsReleasedOnceTheirLinkExpired()
    {
        using (var squatter = await _app.SignedInAsync(_other))
        {
            await WebApp.PostFormAsync(squatter, "/settings", "/settings/addresses", new() { ["address"] = "contested@example.org" });
        }

        using var client = await _app.SignedInAsync(_vendor);
        var early = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = "contested@example.org" });
        _time.Advance(TimeSpan.FromHours(25));
        using var later = await _app.SignedInAsync(_vendor); // the first session has expired by now
        var late = await WebApp.PostFormAsync(later, "/settings", "/settings/addresses", new() { ["address"] = "contested@example.org" });

        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Equal(_vendor.Id, await _app.QueryAsync(db => db.UserEmails.Where(e => e.Address == "contested@example.org").Select(e => e.UserId).SingleAsync()));
    }

    [Fact]
    public async Task Add_ManyInAnHour_IsLimited()
    {
        using var client = await _app.SignedInAsync(_vendor);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = $"a{i}@example.org" })).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Redirect, 5), HttpStatusCode.BadRequest], statuses);
        Assert.Equal(5, await _app.QueryAsync(db => db.OutboundMails.CountAsync()));
    }

    [Fact]
    public async Task Remove_OtherAddress_IsGone_PrimaryStays()
    {
        using var client = await _app.SignedInAsync(_vendor);
        await WebApp.PostFormAsync(client, "/settings", "/settings/addresses", new() { ["address"] = "spare@example.org" });

        var removed = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/remove", new() { ["address"] = "spare@example.org" });
        var primary = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/remove", new() { ["address"] = _vendor.Emails[0].Address });
        var others = await WebApp.PostFormAsync(client, "/settings", "/settings/addresses/remove", new() { ["address"] = _other.Emails[0].Address });

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (removed.StatusCode, primary.StatusCode, others.StatusCode));
        Assert.Equal([_vendor.Emails[0].Address], await _app.QueryAsync(db => db.UserEmails.Where(e => e.UserId == _vendor.Id).Select(e => e.Address).ToListAsync()));
        Assert.True(await _app.QueryAsync(db => db.UserEmails.AnyAsync(e => e.UserId == _other.Id)));
    }

    private async Task<Uri> LinkMailedToAsync(string address)
    {
        var raw = await _app.QueryAsync(db => db.OutboundMails.Where(m => m.ToAddress == address && m.Purpose == "address-verification").Select(m => m.Raw).SingleAsync());
        var text = (await MimeMessage.LoadAsync(new MemoryStream(raw))).TextBody!;
        return new Uri(VerificationLink().Match(text).Value);
    }

    [GeneratedRegex(@"https?://\S+/settings/addresses/verify/\S+")]
    private static partial Regex VerificationLink();
}
