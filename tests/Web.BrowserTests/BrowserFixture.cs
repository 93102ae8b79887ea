using ClpMailGateway.Demo;
using ClpMailGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ClpMailGateway.Web.BrowserTests;

/// <summary>The web app started for real (Kestrel on 127.0.0.1, a free port) over a test database with the demo data,
/// and Debian's headless Chromium driven by Playwright. Shared by the browser tests; each test opens its own browser
/// context, so cookies are never shared.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public TestDatabase Database { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = string.Empty;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        // Never skip and never download: without Debian's chromium the browser tests fail and say how to fix it.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/install-browser (apt-get install chromium) before the browser tests.");
        Directory.CreateDirectory(ScreenshotFolder);

        Database = await TestDatabase.CreateAsync();
        await using (var scope = Database.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Gateway", Database.ConnectionString);
            builder.UseSetting("ReplyTokens:CurrentKeyId", "t1");
            builder.UseSetting("ReplyTokens:Keys:t1", TestDatabase.TestTokenKey);
            builder.UseSetting("Imap:Password", "demo");
            builder.UseSetting("Inbound:SenderAuthentication", "Off");
            builder.UseSetting("Web:DemoMode", "true");
            builder.UseUrls("http://127.0.0.1:0");
        });
        _factory.UseKestrel();
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <param name="locale">The browser's language, sent as Accept-Language.</param>
    public async Task<IBrowserContext> NewContextAsync(int width = 1100, int height = 900, string locale = "en-US") =>
        await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = locale });

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"screenshot {path} is empty");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
