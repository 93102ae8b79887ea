using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests.Support;

/// <summary>The web app over a real migrated database owned by one test, with helpers to sign in and to send forms
/// the way a browser does (antiforgery token from the page, cookies kept).</summary>
public sealed partial class WebApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private WebApp(TestDatabase database, WebApplicationFactory<Program> factory)
    {
        Database = database;
        World = new World(database);
        _factory = factory;
    }

    public TestDatabase Database { get; }

    public World World { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<WebApp> StartAsync(
        bool demoMode = true, TimeProvider? timeProvider = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        var database = await TestDatabase.CreateAsync();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in database.Settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("ReplyTokens:CurrentKeyId", "t1");
            builder.UseSetting("ReplyTokens:Keys:t1", TestDatabase.TestTokenKey);
            builder.UseSetting("Imap:Password", "demo");
            builder.UseSetting("Inbound:SenderAuthentication", "Off");
            builder.UseSetting("Web:DemoMode", demoMode ? "true" : "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            if (timeProvider is not null)
            {
                builder.ConfigureServices(services => services.AddSingleton(timeProvider));
            }

            configure?.Invoke(builder);
        });
        return new WebApp(database, factory);
    }

    public HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client signed in as the user (through the demo pick, which these tests turn on).</summary>
    public async Task<HttpClient> SignedInAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var client = Client();
        var response = await PostFormAsync(client, "/signin", "/signin/demo", new() { ["userId"] = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Loads <paramref name="pagePath"/> for its antiforgery token, then posts the fields to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string action, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri(pagePath, UriKind.Relative));
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(page) };
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public static async Task<HttpResponseMessage> PostMultipartAsync(
        HttpClient client, string pagePath, string action, string? text, params (string Name, byte[] Content, string ContentType)[] files)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri(pagePath, UriKind.Relative));
        using var content = new MultipartFormDataContent
        {
            { new StringContent(AntiforgeryToken(page)), "__RequestVerificationToken" },
        };
        if (text is not null)
        {
            content.Add(new StringContent(text), "text");
        }

        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            content.Add(part, "files", name);
        }

        return await client.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenField().Match(html);
        Assert.True(match.Success, "the page has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public async Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query) => await World.QueryAsync(query);

    /// <summary>Waits until the background sign-in mailer has handled <paramref name="requests"/> requests in all.</summary>
    public async Task SignInRequestsHandledAsync(long requests)
    {
        var mailer = Services.GetRequiredService<ClpMailGateway.Web.SignIn.SignInMailer>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (mailer.Handled < requests)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sign-in mailer handled {mailer.Handled} of {requests} requests in 30 s");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
