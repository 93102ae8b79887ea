using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.IntegrationTests;

/// <summary>/health/ready of the gateway executable (<c>run</c>) against the real Dovecot and Postfix: ready with every
/// check passing; with a mailbox password the server refuses, not ready, naming the refused login and, three poll
/// intervals on, the failing poll.</summary>
[Collection(MailServersGroup.Name)]
public sealed class HealthReadyTests(MailServersFixture servers)
{
    [Fact]
    public async Task Ready_RunOnRealServers_Healthy_WrongMailboxPassword_UnhealthyNamingLoginAndPoll()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var port = FreePorts.Tcp();
        await using (var healthy = new GatewayProcesses(gateway, servers.SmtpPort, Settings(port, password: null)))
        {
            healthy.Start();
            var (status, checks) = await WaitForAsync(http, port, s => s == HttpStatusCode.OK, healthy);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["database", "imap", "outbox", "poll", "smtp"], checks.Keys.Order(StringComparer.Ordinal));
            Assert.All(checks.Values, c => Assert.Equal("healthy", c.GetProperty("status").GetString()));
            Assert.Equal(servers.ImapPort, checks["imap"].GetProperty("data").GetProperty("port").GetInt32());
            Assert.Equal(servers.SmtpPort, checks["smtp"].GetProperty("data").GetProperty("port").GetInt32());
        }

        port = FreePorts.Tcp();
        await using var refused = new GatewayProcesses(gateway, servers.SmtpPort, Settings(port, password: "not-the-password"));
        refused.Start();
        var (downStatus, down) = await WaitForAsync(
            http, port, s => s == HttpStatusCode.ServiceUnavailable, refused, c => c["poll"].TryGetProperty("cause", out var cause) && cause.GetString()!.Contains("the last poll failed", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
        Assert.Equal("healthy", down["database"].GetProperty("status").GetString());
        Assert.Equal("healthy", down["smtp"].GetProperty("status").GetString());
        Assert.Contains("AuthenticationException", down["imap"].GetProperty("cause").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{gateway.GatewayAddress}", down["imap"].GetProperty("cause").GetString(), StringComparison.Ordinal);
        var poll = down["poll"].GetProperty("cause").GetString()!;
        Assert.Contains("limit 3 s: 3 poll intervals", poll, StringComparison.Ordinal);
        Assert.Contains("the last poll failed at ", poll, StringComparison.Ordinal);
        Assert.Contains("AuthenticationException", poll, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", JsonSerializer.Serialize(down), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(int port, string? password)
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway__Http__Urls"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Imap__PollInterval"] = "00:00:01",
            ["Imap__ReconnectMinDelay"] = "00:00:00.200",
            // Each probe of this test logs in again.
            ["Health__ReuseServerChecksFor"] = "00:00:00",
        };
        if (password is not null)
        {
            settings["Imap__Password"] = password;
        }

        return settings;
    }

    /// <summary>Asks /health/ready until <paramref name="status"/> (and <paramref name="also"/>) hold, for up to a minute.</summary>
    private static async Task<(HttpStatusCode Status, Dictionary<string, JsonElement> Checks)> WaitForAsync(
        HttpClient http, int port, Func<HttpStatusCode, bool> status, GatewayProcesses processes, Func<Dictionary<string, JsonElement>, bool>? also = null)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                last = await response.Content.ReadAsStringAsync();
                var checks = JsonDocument.Parse(last).RootElement.GetProperty("checks").EnumerateArray()
                    .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
                if (status(response.StatusCode) && (also is null || also(checks)))
                {
                    return (response.StatusCode, checks);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/health/ready on {port}: {last}\n{processes.Errors}");
    }
}
