using System.Net;
using System.Net.Http.Json;
using ClpMailGateway.Commands;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests;

public sealed class HomeEndpointsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clp-web-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "gateway.db")}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        // seed-demo posts demo messages, and posting renders notifications with reply tokens: it needs the keys.
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gateway"] = ConnectionString,
            ["ReplyTokens:CurrentKeyId"] = "t1",
            ["ReplyTokens:Keys:t1"] = "dGVzdC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0tLS0=",
        };
        foreach (var command in new[] { "migrate", "seed-demo" })
        {
            Assert.Equal(0, await GatewayCli.RunAsync([command], TextWriter.Null, TextWriter.Null, overrides, CancellationToken.None));
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Gateway", ConnectionString);
            b.UseSetting("ReplyTokens:CurrentKeyId", "t1");
            b.UseSetting("ReplyTokens:Keys:t1", ClpMailGateway.TestSupport.TestDatabase.TestTokenKey);
            b.UseSetting("Web:DemoMode", "true");
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Home_SeededDatabase_ListsTitlesChannelsAndAccounts()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Blue Harbor S2", html, StringComparison.Ordinal);
        Assert.Contains("<code>vendor-pt-br</code>", html, StringComparison.Ordinal);
        Assert.Contains("Vendor · Japanese", html, StringComparison.Ordinal);
        Assert.Contains("ja.yuki@clp.test", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_NotDemoMode_ExplainsAndLinksToSignInWithoutListingAccounts()
    {
        using var factory = _factory.WithWebHostBuilder(b => b.UseSetting("Web:DemoMode", "false"));
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("href=\"/signin\"", html, StringComparison.Ordinal);
        Assert.Contains("a plain reply to that mail lands back in the right channel", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ja.yuki@clp.test", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Blue Harbor S2", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_Response_CarriesSecurityHeaders()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        // One script may run, the upload size check, by its hash: never inline, never eval, never another file of ours.
        var script = _factory.Services.GetRequiredService<ClpMailGateway.Web.Layout.SiteAssets>().UploadLimitScript;
        var served = await client.GetByteArrayAsync(new Uri(script, UriKind.Relative));
        var hash = "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(served));
        Assert.Contains($"script-src '{hash}';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_TitleNameWithMarkup_IsEncoded()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            var title = new Title { Slug = "xss", Name = "<script>alert(1)</script>", CreatedAtUtc = DateTime.UtcNow };
            TitleChannels.EnsureChannels(title);
            db.Titles.Add(title);
            await db.SaveChangesAsync();
        }

        using var client = _factory.CreateClient();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_Anonymous_ReportsOkWithoutWhatIsInside()
    {
        using var client = _factory.CreateClient();

        var health = await client.GetFromJsonAsync<HealthDto>(new Uri("/health", UriKind.Relative));

        Assert.Equal("ok", health!.Status);
        Assert.Null(health.PendingMigrations);
        Assert.Null(health.Messages);
    }

    [Fact]
    public async Task UnknownPage_Returns404NotAnError()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private sealed record HealthDto(string Status, int? PendingMigrations, int? Messages);
}
