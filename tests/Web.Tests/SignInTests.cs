using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ClpMailGateway.Web.Tests;

public sealed partial class SignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private WebApp _app = null!;
    private User _user = null!;

    private string Address => $"{_user.Handle}@clp.test";

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync(demoMode: false, timeProvider: _time);
        await _app.World.TitleAsync("fr");
        _user = await _app.World.UserAsync(UserRole.Pm);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task RequestLink_LanguageChosenInSettings_MailInThatLanguageWhateverTheBrowser()
    {
        // As the settings page stores it (LocalizationTests prove the page does).
        await _app.World.SaveAsync(db => db.UserSettings.Where(s => s.UserId == _user.Id).ToList().ForEach(s => s.Language = "de"));

        using var client = _app.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address });
        await _app.SignInRequestsHandledAsync(1);

        var message = MimeMessage.Load(new MemoryStream((await _app.QueryAsync(db => db.OutboundMails.SingleAsync(m => m.Purpose == "sign-in"))).Raw));
        Assert.Equal("[CLP] " + Outbound.MailTemplates.Shipped.Text("de", "signin.subject"), message.Subject);
        Assert.Contains("<html lang=\"de\" dir=\"ltr\">", message.HtmlBody, StringComparison.Ordinal);
        Assert.Matches(LinkPattern(), message.TextBody);
    }

    [Fact]
    public async Task RequestLink_NoLanguageChosen_MailInTheLanguageThePageWasShownIn()
    {
        using var client = _app.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ar-EG");

        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address });
        await _app.SignInRequestsHandledAsync(1);

        var message = MimeMessage.Load(new MemoryStream((await _app.QueryAsync(db => db.OutboundMails.SingleAsync())).Raw));
        Assert.Equal("[CLP] " + Outbound.MailTemplates.Shipped.Text("ar", "signin.subject"), message.Subject);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", message.HtmlBody, StringComparison.Ordinal);
        Assert.Matches(LinkPattern(), message.TextBody);
    }

    [Fact]
    public async Task RequestLink_KnownAddress_WritesOneSignInMailToTheOutbox()
    {
        using var client = _app.Client();

        var response = await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = "  " + Address.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Check your mail", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await _app.SignInRequestsHandledAsync(1);
        var mail = await _app.QueryAsync(db => db.OutboundMails.SingleAsync());
        Assert.Equal("sign-in", mail.Purpose);
        Assert.Equal(Address, mail.ToAddress);
        Assert.Equal(OutboundStatus.Pending, mail.Status);
        var message = MimeMessage.Load(new MemoryStream(mail.Raw));
        Assert.Equal("[CLP] Your sign-in link", message.Subject);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Contains("within 15 minutes", message.TextBody, StringComparison.Ordinal);
        Assert.Matches(LinkPattern(), message.TextBody);
    }

    [Fact]
    public async Task RequestLink_UnknownAddress_AnswersTheSamePageAndMailsNothing()
    {
        using var client = _app.Client();

        var known = await (await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address })).Content.ReadAsStringAsync();
        var unknown = await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = "nobody@clp.test" });
        var unknownHtml = await unknown.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(Strip(known).Replace(Address, "X", StringComparison.Ordinal), Strip(unknownHtml).Replace("nobody@clp.test", "X", StringComparison.Ordinal));
        await _app.SignInRequestsHandledAsync(2);
        Assert.Equal(1, await _app.World.CountAsync<OutboundMail>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("<script>@x")]
    public async Task RequestLink_NotAnAddress_AsksForOne(string email)
    {
        using var client = _app.Client();

        var response = await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = email });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Enter an email address such as name@example.com.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>@x", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLink_SixTimesInAnHour_MailsFive()
    {
        using var client = _app.Client();
        for (var i = 0; i < 6; i++)
        {
            var response = await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await _app.SignInRequestsHandledAsync(i + 1);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(5, await _app.World.CountAsync<OutboundMail>());
        _time.Advance(TimeSpan.FromHours(1));
        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address });
        await _app.SignInRequestsHandledAsync(7);
        Assert.Equal(6, await _app.World.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task Link_UsedOnce_SignsInAndThenNoLonger()
    {
        var link = await RequestLinkAsync();
        using var client = _app.Client();

        var confirm = await client.GetStringAsync(new Uri(link, UriKind.Relative));
        var first = await WebApp.PostFormAsync(client, link, link, new() { ["confirm"] = "yes" });
        var titles = await client.GetAsync(new Uri("/titles", UriKind.Relative));
        using var other = _app.Client();
        var again = await other.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Contains($"Sign in as <strong>{Address}</strong>?", confirm, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/titles", first.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, titles.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("This sign-in link no longer works", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_After15Minutes_NoLongerWorks()
    {
        var link = await RequestLinkAsync();
        using var client = _app.Client();
        var confirm = await client.GetStringAsync(new Uri(link, UriKind.Relative));
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes", ["__RequestVerificationToken"] = WebApp.AntiforgeryToken(confirm) });
        var response = await client.PostAsync(new Uri(link, UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Link_Guessed_DoesNotWork()
    {
        await RequestLinkAsync();
        using var client = _app.Client();

        var response = await client.GetAsync(new Uri("/signin/link/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Link_WithReturnUrl_GoesBackThereButNeverOffSite()
    {
        using var client = _app.Client();
        await WebApp.PostFormAsync(client, "/signin?ReturnUrl=%2Fsettings", "/signin", new() { ["email"] = Address, ["returnUrl"] = "/settings" });
        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address, ["returnUrl"] = "//evil.example/x" });
        await _app.SignInRequestsHandledAsync(2);
        var links = await _app.QueryAsync(db => db.OutboundMails.OrderBy(m => m.Id).Select(m => m.Raw).ToListAsync());
        var local = LinkPattern().Match(MimeMessage.Load(new MemoryStream(links[0])).TextBody!).Groups[1].Value;
        var offSite = LinkPattern().Match(MimeMessage.Load(new MemoryStream(links[1])).TextBody!).Groups[1].Value;

        var first = await WebApp.PostFormAsync(client, local, local, new() { ["confirm"] = "yes" });

        Assert.Equal("/settings", first.Headers.Location!.OriginalString);
        Assert.DoesNotContain("evil", offSite, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_WithANonAsciiReturnUrl_SignsInAndReturnsEncoded()
    {
        using var client = _app.Client();
        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address, ["returnUrl"] = "/titles/ça-va/vendor-fr" });
        await _app.SignInRequestsHandledAsync(1);
        var raw = await _app.QueryAsync(db => db.OutboundMails.Select(m => m.Raw).SingleAsync());
        var link = LinkPattern().Match(MimeMessage.Load(new MemoryStream(raw)).TextBody!).Groups[1].Value;

        var response = await WebApp.PostFormAsync(client, link, link, new() { ["confirm"] = "yes" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/titles/%C3%A7a-va/vendor-fr", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_ACopiedCookie_NoLongerWorks()
    {
        var link = await RequestLinkAsync();
        using var client = _app.Client();
        var signedIn = await WebApp.PostFormAsync(client, link, link, new() { ["confirm"] = "yes" });
        var cookie = string.Join("; ", signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        await WebApp.PostFormAsync(client, "/titles", "/signout", new() { ["x"] = "y" });
        using var copy = _app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/titles", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        var replayed = await copy.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/signin", replayed.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOutEverywhere_EndsEveryOtherSessionToo()
    {
        using var laptop = _app.Client();
        var first = await RequestLinkAsync();
        await WebApp.PostFormAsync(laptop, first, first, new() { ["confirm"] = "yes" });
        using var phone = _app.Client();
        var second = await RequestLinkAsync();
        await WebApp.PostFormAsync(phone, second, second, new() { ["confirm"] = "yes" });
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);

        var response = await WebApp.PostFormAsync(phone, "/settings", "/settings/signout-everywhere", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task DemoPick_DemoModeOff_IsNotThere()
    {
        using var client = _app.Client();

        var page = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var response = await WebApp.PostFormAsync(client, "/signin", "/signin/demo", new() { ["userId"] = _user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.DoesNotContain("Demo: sign in as", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SignOut_SignedIn_EndsTheSession()
    {
        var link = await RequestLinkAsync();
        using var client = _app.Client();
        await WebApp.PostFormAsync(client, link, link, new() { ["confirm"] = "yes" });

        var response = await WebApp.PostFormAsync(client, "/titles", "/signout", new() { ["x"] = "y" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/titles", UriKind.Relative))).StatusCode);
    }

    private async Task<string> RequestLinkAsync()
    {
        using var client = _app.Client();
        var before = _app.Services.GetRequiredService<ClpMailGateway.Web.SignIn.SignInMailer>().Handled;
        await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = Address });
        await _app.SignInRequestsHandledAsync(before + 1);
        var raw = await _app.QueryAsync(db => db.OutboundMails.OrderByDescending(m => m.Id).Select(m => m.Raw).FirstAsync());
        return LinkPattern().Match(MimeMessage.Load(new MemoryStream(raw)).TextBody!).Groups[1].Value;
    }

    private static string Strip(string html) => TokenPattern().Replace(html, string.Empty);

    [GeneratedRegex(@"http://127\.0\.0\.1:5080(/signin/link/[A-Za-z0-9_-]{43}(\?ReturnUrl=[^\s]+)?)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("value=\"[^\"]{40,}\"")]
    private static partial Regex TokenPattern();
}
