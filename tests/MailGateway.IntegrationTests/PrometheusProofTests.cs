using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// The proof of the metrics and alerts with Debian's Prometheus (its config and a copy of ops/prometheus/alerts.yml
/// written here, on a free loopback port) scraping a running gateway (the executable's <c>run</c>, its listener's
/// <c>/metrics</c>) and the web: a reply threaded and its notification sent show in Prometheus; the silent-mailbox
/// alert fires when the gateway mailbox's password changes under the running gateway and clears when it is restored,
/// and the gateway's <c>/health/ready</c> turns unhealthy (naming the IMAP login) and healthy again in step. The copy
/// of the rules shortens that alert's 10 minutes to 10 seconds, so the test takes under a minute.
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed class PrometheusProofTests(MailServersFixture servers) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("clp-prometheus-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private GatewayHarness _gateway = null!;
    private GatewayProcesses _processes = null!;
    private RunningWeb _web = null!;
    private Process? _prometheus;
    private string _prometheusUrl = string.Empty;
    private string _gatewayUrl = string.Empty;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers);
        var gatewayPort = RunningWeb.FreePort();
        _gatewayUrl = $"http://127.0.0.1:{gatewayPort}";
        _processes = new GatewayProcesses(_gateway, servers.SmtpPort, new Dictionary<string, string>
        {
            ["Gateway__Http__Urls"] = _gatewayUrl,
            ["Imap__PollInterval"] = "00:00:02",
            ["Telemetry__SampleInterval"] = "00:00:01",
        });
        _processes.Start();
        var webPort = RunningWeb.FreePort();
        _web = RunningWeb.Start(_gateway.Database, webPort, new Dictionary<string, string?>());
        _prometheusUrl = StartPrometheus(gatewayPort, webPort);
        await WaitAsync("Prometheus to be ready", async () => (await TryGetAsync($"{_prometheusUrl}/-/ready")) is not null);
    }

    public async Task DisposeAsync()
    {
        Allow();
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill(entireProcessTree: true);
            await _prometheus.WaitForExitAsync();
        }

        _prometheus?.Dispose();
        await _web.DisposeAsync();
        await _processes.DisposeAsync();
        await _gateway.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Prometheus_ReplyThreadedNotificationSentThenMailboxPasswordChanged_MetricsShowThemAndTheAlertAndReadinessFollow()
    {
        // A reply to a notification, from the linguist the token was issued to; its post notifies the title's follower.
        var world = _gateway.World;
        var title = await world.TitleAsync("fr");
        var vendor = await world.VendorAsync(title, "fr");
        var linguist = await world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        var pm = await world.UserAsync(UserRole.Pm);
        await world.SaveAsync(db => db.Follows.Add(new Follow { UserId = pm.Id, TitleId = title.Id }));
        var token = await _gateway.IssueTokenAsync(linguist, World.Channel(title, "vendor-fr"));
        await _gateway.SendAsync(Mails.Reply(linguist.Emails[0].Address, _gateway.ReplyAddress(token), "Reel 4 timed, please check."));

        await WaitAsync("the reply to be posted and its notification sent", async () =>
            await world.QueryAsync(db => db.OutboundMails.AnyAsync(m => m.ToAddress == pm.Emails[0].Address && m.Status == OutboundStatus.Sent)));
        await WaitForValueAsync("sum(clp_inbound_threaded_total{job=\"gateway\",clp_inbound_outcome=\"posted\",clp_inbound_kind=\"reply\"})", v => v >= 1);
        await WaitForValueAsync("sum(clp_inbound_wait_seconds_count{job=\"gateway\"})", v => v >= 1);
        await WaitForValueAsync("sum(clp_outbound_queued_total{job=\"gateway\"})", v => v >= 1);
        await WaitForValueAsync(
            "sum(clp_outbound_sends_total{job=\"gateway\",clp_outbound_result=\"sent\",clp_smtp_reply_class=\"2\",clp_outbound_purpose=\"notification\"})", v => v >= 1);
        await WaitForValueAsync("max(clp_inbound_idle_connected{job=\"gateway\"})", v => v == 1);
        await WaitForValueAsync("max(clp_outbound_depth{job=\"gateway\"})", v => v == 0);
        await WaitForValueAsync("time() - max(clp_inbound_poll_last_success_time_seconds{job=\"gateway\"})", v => v < 10);
        await WaitForValueAsync("up{job=\"web\"}", v => v == 1);
        Assert.Null(await AlertStateAsync("ClpMailboxSilent"));
        await WaitAsync("the gateway to be ready", async () => (await ReadyAsync()).Status == HttpStatusCode.OK);

        // The mailbox's password changes under the running gateway: its polls fail, it is not ready (the IMAP login and
        // the last poll named), the alert fires.
        Deny();
        await WaitAsync("the gateway to be not ready", async () => (await ReadyAsync()).Status == HttpStatusCode.ServiceUnavailable);
        // The IMAP check's last result is reused for a few seconds (Health:ReuseServerChecksFor); then it names the login.
        await WaitAsync("the IMAP check to fail", async () => Check((await ReadyAsync()).Body, "imap").GetProperty("status").GetString() == "unhealthy");
        var notReady = await ReadyAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.False(string.IsNullOrWhiteSpace(Check(notReady.Body, "imap").GetProperty("cause").GetString()));
        await WaitAsync("ClpMailboxSilent to fire", async () => await AlertStateAsync("ClpMailboxSilent") == "firing");
        await WaitForValueAsync("sum(clp_inbound_poll_duration_seconds_count{job=\"gateway\",error_type!=\"\"})", v => v >= 1);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyAsync()).Status);

        // Restored: the next poll succeeds, the gateway is ready again and the alert clears.
        Allow();
        await WaitAsync("the gateway to be ready again", async () => (await ReadyAsync()).Status == HttpStatusCode.OK);
        await WaitAsync("ClpMailboxSilent to clear", async () => await AlertStateAsync("ClpMailboxSilent") is null);
        await WaitForValueAsync("time() - max(clp_inbound_poll_last_success_time_seconds{job=\"gateway\"})", v => v < 10);
    }

    /// <summary>The gateway's /health/ready: its status code and its JSON body.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync()
    {
        using var response = await _http.GetAsync(new Uri($"{_gatewayUrl}/health/ready"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>Debian's Prometheus on a free loopback port, scraping the gateway and the web every second and
    /// evaluating a copy of the repository's rules every second, the silent-mailbox window made 10 seconds.</summary>
    private string StartPrometheus(int gatewayPort, int webPort)
    {
        var rules = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "ops", "prometheus", "alerts.yml"));
        var shortened = rules.Replace(
            "expr: time() - max by (job) (clp_inbound_poll_last_success_time_seconds) > 600\n        for: 1m",
            "expr: time() - max by (job) (clp_inbound_poll_last_success_time_seconds) > 10\n        for: 2s",
            StringComparison.Ordinal);
        Assert.NotEqual(rules, shortened); // the rule the test shortens is the one in the repository
        File.WriteAllText(Path.Combine(_folder, "alerts.yml"), shortened);
        File.WriteAllText(Path.Combine(_folder, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - alerts.yml
            scrape_configs:
              - job_name: gateway
                static_configs:
                  - targets: ["127.0.0.1:{gatewayPort}"]
              - job_name: web
                static_configs:
                  - targets: ["127.0.0.1:{webPort}"]
            """);
        var port = RunningWeb.FreePort();
        var start = new ProcessStartInfo("prometheus")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--config.file=" + Path.Combine(_folder, "prometheus.yml"), "--storage.tsdb.path=" + Path.Combine(_folder, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _prometheus = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (scripts/install-prometheus installs it)");
        _prometheus.OutputDataReceived += (_, _) => { };
        _prometheus.ErrorDataReceived += (_, _) => { };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>The gateway mailbox refuses its login from now on (scripts/mail-servers' denied users).</summary>
    private void Deny() => File.WriteAllText(DeniedUsers, _gateway.GatewayAddress + "\n");

    private void Allow()
    {
        if (File.Exists(DeniedUsers))
        {
            File.WriteAllLines(DeniedUsers, File.ReadAllLines(DeniedUsers).Where(l => l.Length > 0 && l != _gateway.GatewayAddress));
        }
    }

    private static string DeniedUsers => Path.Combine(MailServersFixture.StateDirectory, "dovecot", "denied-users");

    /// <summary>The state of the alert (pending, firing), or null when it is not active.</summary>
    private async Task<string?> AlertStateAsync(string name)
    {
        var body = await TryGetAsync($"{_prometheusUrl}/api/v1/alerts") ?? throw new InvalidOperationException("Prometheus did not answer");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == name)
            .Select(a => a.GetProperty("state").GetString())
            .OrderBy(s => s == "firing" ? 0 : 1)
            .FirstOrDefault();
    }

    private async Task WaitForValueAsync(string query, Func<double, bool> expected)
    {
        double? last = null;
        await WaitAsync($"{query} (last {last?.ToString(CultureInfo.InvariantCulture) ?? "no value"})", async () =>
        {
            var body = await TryGetAsync($"{_prometheusUrl}/api/v1/query?query={Uri.EscapeDataString(query)}");
            if (body is null)
            {
                return false;
            }

            using var json = JsonDocument.Parse(body);
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return false;
            }

            last = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            return expected(last.Value);
        });
    }

    private async Task<string?> TryGetAsync(string url)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task WaitAsync(string what, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what}. Gateway: {_processes.Errors}");
            }

            await Task.Delay(500);
        }
    }
}
