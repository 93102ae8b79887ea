using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

/// <summary>The quarantine page's connection checks: what <c>imap test</c> and <c>smtp test</c> say, shown to an admin,
/// against the real Dovecot and Postfix that scripts/test starts (CLP_IMAP_PORT, CLP_SMTP_PORT) and against ports where
/// nothing listens; nobody else may run them.</summary>
[Trait("Database", "Indifferent")]
public sealed class ConnectionCheckTests
{
    [Fact]
    public async Task Checks_AdminWithReachableServers_ShowsWhatTheyOffer()
    {
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Imap:Port"] = Port("CLP_IMAP_PORT", 1143),
            ["Imap:Username"] = "reply@clp.test",
            ["Smtp:Port"] = Port("CLP_SMTP_PORT", 2525),
        });
        var admin = await AdminAsync(app);
        using var client = await app.SignedInAsync(admin);

        var response = await WebApp.PostFormAsync(client, "/quarantine", "/quarantine/checks", []);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Failed:", html, StringComparison.Ordinal);
        Assert.Contains("data-check=\"imap_connected\"", html, StringComparison.Ordinal);
        Assert.Contains("data-check=\"imap_mailbox\"", html, StringComparison.Ordinal);
        Assert.Contains("data-check=\"smtp_connected\"", html, StringComparison.Ordinal);
        Assert.Contains("<dt>pipelining</dt><dd>yes</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-check=\"smtp_sent\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_AdminWithServersDown_ShowsOneLinePerFailure()
    {
        var imap = ClosedPort();
        var smtp = ClosedPort();
        await using var app = await WebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Imap:Port"] = imap.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Port"] = smtp.ToString(CultureInfo.InvariantCulture),
        });
        var admin = await AdminAsync(app);
        using var client = await app.SignedInAsync(admin);

        var html = await (await WebApp.PostFormAsync(client, "/quarantine", "/quarantine/checks", new() { ["to"] = "<script>@x" })).Content.ReadAsStringAsync();

        Assert.Contains($"Failed: imap test: IMAP 127.0.0.1:{imap} as ", html, StringComparison.Ordinal);
        Assert.Contains("Failed: smtp test: &#x27;&lt;script&gt;@x&#x27; is not a mail address", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>@x", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_NotAdmin_NotFound()
    {
        await using var app = await WebApp.StartAsync();
        var pm = await app.World.UserAsync(UserRole.Pm);
        using var client = await app.SignedInAsync(pm);

        var response = await WebApp.PostFormAsync(client, "/titles", "/quarantine/checks", []);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<User> AdminAsync(WebApp app)
    {
        var admin = await app.World.UserAsync(UserRole.Pm);
        await app.World.SaveAsync(db => db.Users.Where(u => u.Id == admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        return admin;
    }

    private static string Port(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback.ToString(CultureInfo.InvariantCulture);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
