using System.Globalization;
using System.Net;
using System.Text.Json;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.Web.Tests;

/// <summary>The web's /health/live and /health/ready: ready means the database answers and the relay takes its sign-in
/// mails; anyone learns each check's status, only an operator its cause.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private readonly int _closedPort = FreePorts.Tcp();
    private WebApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await WebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _closedPort.ToString(CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Live_Anonymous_200Healthy()
    {
        using var client = _app.Client();

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_RelayDown_Anonymous_503WithStatusesOnly()
    {
        using var client = _app.Client();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = Checks(text);
        Assert.Equal(["database", "smtp"], checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("healthy", checks["database"].GetProperty("status").GetString());
        Assert.Equal("unhealthy", checks["smtp"].GetProperty("status").GetString());
        Assert.DoesNotContain("cause", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sqlite", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_RelayDown_Admin_SeesTheCause_NotAdmin_DoesNot()
    {
        var admin = await _app.World.UserAsync(UserRole.Pm);
        var staff = await _app.World.UserAsync(UserRole.Pm);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        using var adminClient = await _app.SignedInAsync(admin);
        using var staffClient = await _app.SignedInAsync(staff);

        var asAdmin = Checks(await (await adminClient.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync());
        var asStaff = await (await staffClient.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync();

        var cause = asAdmin["smtp"].GetProperty("cause").GetString()!;
        Assert.Contains($"SMTP 127.0.0.1:{_closedPort}", cause, StringComparison.Ordinal);
        Assert.Contains("Connection refused", cause, StringComparison.Ordinal);
        Assert.DoesNotContain("cause", asStaff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_TheOldEndpoint_StillAnswersOk()
    {
        using var client = _app.Client();

        var body = await client.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Contains("\"status\":\"ok\"", body, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Checks(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
}
