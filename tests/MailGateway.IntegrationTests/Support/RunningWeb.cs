extern alias web;

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClpMailGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>The real web app on Kestrel at <see cref="BaseUrl"/> (127.0.0.1, a port of its own), over a test's database:
/// what a person's browser reaches when they click a link in a mail.</summary>
public sealed partial class RunningWeb : IAsyncDisposable
{
    private readonly WebApplicationFactory<web::Program> _factory;

    private RunningWeb(WebApplicationFactory<web::Program> factory, string baseUrl)
    {
        _factory = factory;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>A free loopback port, for a base URL the mails can carry before the web starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static RunningWeb Start(TestDatabase database, int port, IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(settings);
        var baseUrl = $"http://127.0.0.1:{port}";
        var factory = new WebApplicationFactory<web::Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in database.Settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("ReplyTokens:CurrentKeyId", "t1");
            builder.UseSetting("ReplyTokens:Keys:t1", TestDatabase.TestTokenKey);
            builder.UseSetting("Imap:Password", "demo");
            builder.UseSetting("Inbound:SenderAuthentication", "Off");
            builder.UseSetting("Mail:WebBaseUrl", baseUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseUrls(baseUrl);
        });
        factory.UseKestrel();
        factory.StartServer();
        return new RunningWeb(factory, baseUrl);
    }

    /// <summary>A browser of its own: cookies kept, redirects shown rather than followed.</summary>
    public static HttpClient Browser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true });

    /// <summary>Posts a form the way a browser does: the antiforgery field from the page at <paramref name="pageUrl"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string pageUrl, string actionUrl, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var page = await browser.GetStringAsync(new Uri(pageUrl));
        var match = AntiforgeryField().Match(page);
        Assert.True(match.Success, $"{pageUrl} has no antiforgery field");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value) };
        using var content = new FormUrlEncodedContent(form);
        return await browser.PostAsync(new Uri(actionUrl), content);
    }

    /// <summary>Sign-in requests the web has turned into mails (or found to need none) since it started: the link is
    /// written in the background, after the page has answered.</summary>
    public long SignInRequestsHandled => _factory.Services.GetRequiredService<web::ClpMailGateway.Web.SignIn.SignInMailer>().Handled;

    public async Task WaitForSignInRequestsAsync(long handled)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (SignInRequestsHandled < handled)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the web handled {SignInRequestsHandled} of {handled} sign-in requests in 30 s");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
