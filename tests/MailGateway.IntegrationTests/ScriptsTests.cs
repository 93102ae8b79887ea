using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ClpMailGateway.IntegrationTests.Support;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The README's first command as a new user runs it, on ports of its own: scripts/up starts mail servers,
/// gateway and web that all use those ports, prints where to look, mails none of the demo's history, and scripts/down
/// stops what it started and nothing else (the test run's own mail servers keep running).</summary>
[Collection(MailServersGroup.Name)]
public sealed class ScriptsTests(MailServersFixture servers) : IAsyncLifetime
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "clp-up-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment = new()
    {
        ["CLP_MAIL_DIR"] = Path.Combine("/tmp", "clp-up-mail-" + Guid.NewGuid().ToString("N")[..8]),
        ["CLP_SMTP_PORT"] = Port(),
        ["CLP_SUBMISSION_PORT"] = Port(),
        ["CLP_SMTPS_PORT"] = Port(),
        ["CLP_IMAP_PORT"] = Port(),
        ["CLP_LMTP_PORT"] = Port(),
        ["CLP_AUTH_PORT"] = Port(),
        ["CLP_WEB_PORT"] = Port(),
        ["CLP_GATEWAY_HTTP_PORT"] = Port(),
        ["CLP_PROMETHEUS_PORT"] = Port(),
        // What runs where is checked here, not how fast it starts: the Release build the tests run from, published as it is.
        ["CLP_PUBLISH_BUILT"] = "true",
    };

    public Task InitializeAsync()
    {
        _environment["CLP_STATE_DIR"] = _state;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await RunAsync("scripts/down");
        await RunAsync("scripts/mail-servers", "stop");
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    [Fact]
    public async Task UpOnOtherPorts_EverythingUsesThem_NoHistoryMailed_DownStopsOnlyWhatItStarted()
    {
        var up = await RunAsync("scripts/up");
        Assert.True(up.Exit == 0, up.Stdout + up.Stderr);
        var (smtp, imap, web) = (PortOf("CLP_SMTP_PORT"), PortOf("CLP_IMAP_PORT"), _environment["CLP_WEB_PORT"]);

        Assert.Contains($"Web view:      http://127.0.0.1:{web}/", up.Stdout, StringComparison.Ordinal);
        Assert.Contains($"SMTP (Postfix): 127.0.0.1:{smtp}   IMAP (Dovecot): 127.0.0.1:{imap}", up.Stdout, StringComparison.Ordinal);
        AssertAccountsLineUp(up.Stdout);
        var gatewayHttp = _environment["CLP_GATEWAY_HTTP_PORT"];
        Assert.Contains($"Gateway health: http://127.0.0.1:{gatewayHttp}/health/live", up.Stdout, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            using var live = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{gatewayHttp}/health/live")));
            Assert.Equal("healthy", live.RootElement.GetProperty("status").GetString());

            var home = await http.GetStringAsync(new Uri($"http://127.0.0.1:{web}/"));
            Assert.Contains($"IMAP 127.0.0.1:{imap}", home, StringComparison.Ordinal);
            // The published web serves its stylesheet from wwwroot at the fingerprinted address the layout links.
            var css = System.Text.RegularExpressions.Regex.Match(home, "<link rel=\"stylesheet\" href=\"(/css/site\\.[a-z0-9]+\\.css)\"");
            Assert.True(css.Success, "the home page links no fingerprinted stylesheet");
            using var style = await http.GetAsync(new Uri($"http://127.0.0.1:{web}{css.Groups[1].Value}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, style.StatusCode);
            Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
            Assert.Contains("immutable", style.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }

        // The gateway reads its mailbox on these servers: a reply sent to them is posted.
        var token = JsonDocument.Parse((await GatewayAsync("tokens", "issue", "--as", "fr.lea@clp.test", "--title", "blue-harbor-s2", "--channel", "vendor-fr")).Stdout)
            .RootElement.GetProperty("address").GetString()!;
        var marker = "up" + Guid.NewGuid().ToString("N")[..10];
        var reply = Mails.Reply("fr.lea@clp.test", token, "Reply through the demo " + marker);
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", smtp, SecureSocketOptions.None);
            await client.SendAsync(reply);
            await client.DisconnectAsync(true);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await GatewayAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr")).Stdout.Contains(marker, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the reply sent to the demo's own SMTP port was not posted within 60 s");
            await Task.Delay(500);
        }

        // The gateway's log (the default text format) names the mail and its trace on the lines about threading it.
        var threaded = File.ReadLines(Path.Combine(_state, "gateway.log")).Where(l => l.Contains("Inbound mail ", StringComparison.Ordinal) && l.Contains(": Posted", StringComparison.Ordinal)).ToList();
        Assert.Contains(threaded, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\[InboundId=\d+ TraceId=[0-9a-f]{32}\]$"));

        // Prometheus, started with them, scrapes the gateway and the web.
        var prometheus = _environment["CLP_PROMETHEUS_PORT"];
        Assert.Contains($"Prometheus:    http://127.0.0.1:{prometheus}/", up.Stdout, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            var targets = string.Empty;
            var scraped = DateTime.UtcNow.AddSeconds(60);
            while (!(targets.Contains("\"job\":\"gateway\"", StringComparison.Ordinal) && targets.Contains("\"job\":\"web\"", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < scraped, "Prometheus did not scrape both the gateway and the web within 60 s: " + targets);
                await Task.Delay(1000);
                targets = await http.GetStringAsync(new Uri($"http://127.0.0.1:{prometheus}/api/v1/query?query=up%3D%3D1"));
            }
        }

        // The gateway has been running and sending: still, nobody got the seeded history (Yuki is not mailed about Léa's reply).
        Assert.Equal(0, await InboxCountAsync(imap, "ja.yuki@clp.test"));

        var down = await RunAsync("scripts/down");

        Assert.Equal(0, down.Exit);
        Assert.False(Listening(imap), "scripts/down left the mail servers it started running");
        Assert.False(Listening(int.Parse(web, System.Globalization.CultureInfo.InvariantCulture)), "scripts/down left the web running");
        Assert.False(Listening(int.Parse(prometheus, System.Globalization.CultureInfo.InvariantCulture)), "scripts/down left Prometheus running");
        Assert.True(Listening(servers.ImapPort), "scripts/down stopped mail servers it did not start");
    }

    /// <summary>Every row of the banner's account table has its columns at the same character positions.</summary>
    private static void AssertAccountsLineUp(string stdout)
    {
        var rows = stdout.Split('\n').SkipWhile(l => !l.StartsWith("Demo accounts", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(8, rows.Count);
        var starts = rows.Select(r => ColumnStarts(r)).ToList();
        Assert.All(starts, s => Assert.Equal(starts[0], s));
    }

    private static List<int> ColumnStarts(string row)
    {
        var starts = new List<int>();
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] != ' ' && row[i - 1] == ' ' && i >= 2 && row[i - 2] == ' ')
            {
                starts.Add(i);
            }
        }

        return starts;
    }

    private static async Task<int> InboxCountAsync(int imapPort, string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServersFixture.Password);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var count = client.Inbox.Count;
        await client.DisconnectAsync(true);
        return count;
    }

    private Task<(int Exit, string Stdout, string Stderr)> GatewayAsync(params string[] args)
    {
        var secrets = File.ReadAllLines(Path.Combine(_state, "secrets.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        secrets["ConnectionStrings__Gateway"] = $"Data Source={Path.Combine(_state, "gateway.db")}";
        return RunProcessAsync("dotnet", [Path.Combine(_state, "app", "gateway", "MailGateway.dll"), .. args], secrets);
    }

    private Task<(int Exit, string Stdout, string Stderr)> RunAsync(string script, params string[] args) =>
        RunProcessAsync("bash", [Path.Combine(MailServersFixture.RepositoryRoot, script), .. args], _environment);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunProcessAsync(string file, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = MailServersFixture.RepositoryRoot,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private int PortOf(string variable) => int.Parse(_environment[variable], System.Globalization.CultureInfo.InvariantCulture);

    private static string Port() => RunningWeb.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
