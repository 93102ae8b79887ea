using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

/// <summary><c>/metrics</c>: the Prometheus text of the web's meters, for a scraper on this machine or a listed network
/// only; nobody else, and nothing that came through a proxy, learns it exists.</summary>
[Trait("Database", "Indifferent")]
public sealed class MetricsTests : RemoteClientTests
{
    [Fact]
    public async Task Metrics_FromLoopbackAfterADemoSignIn_ListsTheSignInWithItsLabels()
    {
        var app = await StartAsync("127.0.0.1");
        var user = await app.World.UserAsync(UserRole.Pm);
        using var signedIn = await app.SignedInAsync(user);
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE clp_web_sign_ins_total counter", text, StringComparison.Ordinal);
        Assert.Matches("clp_web_sign_ins_total\\{[^}]*clp_sign_in_method=\"demo\"[^}]*clp_sign_in_outcome=\"signed_in\"[^}]*\\} [1-9]", text);
        Assert.DoesNotContain(user.Emails[0].Address, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Metrics_FromIPv6Loopback_Served()
    {
        var app = await StartAsync("::1");
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("10.1.2.3")]
    [InlineData("2001:db8::1")]
    public async Task Metrics_FromElsewhere_NotFound(string remote)
    {
        var app = await StartAsync(remote);
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_FromAListedNetwork_Served()
    {
        var app = await StartAsync("10.1.2.3", new Dictionary<string, string?> { ["Telemetry:MetricsNetworks:0"] = "10.0.0.0/8" });
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("10.0.0.5", "10.0.0.5")]
    public async Task Metrics_ThroughAProxy_NotFound(string proxy, string? knownProxy)
    {
        // A proxy on this machine that the web does not believe, or one it believes forwarding a client from outside.
        var settings = knownProxy is null ? null : new Dictionary<string, string?> { ["Web:KnownProxies:0"] = knownProxy, ["Telemetry:MetricsNetworks:0"] = "10.0.0.0/8" };
        var app = await StartAsync(proxy, settings);
        using var client = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", "127.0.0.1");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
