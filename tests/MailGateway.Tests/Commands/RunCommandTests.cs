using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClpMailGateway.Commands;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.Hosting;

namespace ClpMailGateway.Tests.Commands;

public sealed class RunCommandTests
{
    /// <summary>The working folder of <c>run</c> holds the database (<c>.state/gateway.db</c>): a watcher on it would wake
    /// for every write SQLite makes. Seen from outside: the inotify watches this process holds (Linux lists them in
    /// /proc/self/fdinfo with the inode each watches). A plain host on a folder of its own shows that watches are seen.</summary>
    [Fact]
    public void Host_DoesNotWatchTheWorkingFolder()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads Linux's /proc");
        var plain = Directory.CreateTempSubdirectory("clp-plain-host-");
        var working = Directory.CreateTempSubdirectory("clp-run-host-");
        try
        {
            using (var control = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = plain.FullName }).Build())
            {
                Assert.Contains(Inode(plain.FullName), WatchedInodes());
            }

            using var host = RunCommand.CreateHost(working.FullName, overrides: null);

            Assert.DoesNotContain(Inode(working.FullName), WatchedInodes());
        }
        finally
        {
            plain.Delete(recursive: true);
            working.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_InboundOrBounceSettingOutOfRange_StopsNamingTheSetting()
    {
        var working = Directory.CreateTempSubdirectory("clp-run-options-");
        try
        {
            using var host = RunCommand.CreateHost(working.FullName, new Dictionary<string, string?>
            {
                ["Inbound:PostsPerSenderPerHour"] = "0",
                ["Bounces:SuppressAtScore"] = "0",
            });

            var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

            var messages = error is AggregateException all ? string.Join('\n', all.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
            Assert.Contains("PostsPerSenderPerHour", messages, StringComparison.Ordinal);
            Assert.Contains("SuppressAtScore", messages, StringComparison.Ordinal);
        }
        finally
        {
            working.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_HttpListener_ServesHealthLiveAsJson_AndNothingElse()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var host = RunCommand.CreateHost(database.Folder, RunSettings(database, "http://127.0.0.1:0"));
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(Assert.Single(host.Urls)) };

            using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
            using var other = await http.GetAsync(new Uri("/", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("application/json", live.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
            Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.False(live.Headers.Contains("Server"));
            Assert.StartsWith("http://127.0.0.1:", host.Urls.Single(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Start_MailServersUnreachable_HealthReadyIs503NamingEachCause_LiveStays200()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = RunSettings(database, "http://127.0.0.1:0");
        using var host = RunCommand.CreateHost(database.Folder, settings);
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(Assert.Single(host.Urls)) };

            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
            var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
            Assert.Equal(["database", "imap", "outbox", "poll", "smtp"], checks.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("healthy", checks["database"].GetProperty("status").GetString());
            Assert.Equal("healthy", checks["outbox"].GetProperty("status").GetString());
            foreach (var server in new[] { "imap", "smtp" })
            {
                Assert.Equal("unhealthy", checks[server].GetProperty("status").GetString());
                var cause = checks[server].GetProperty("cause").GetString()!;
                Assert.Contains($"127.0.0.1:{settings["Imap:Port"]}", cause, StringComparison.Ordinal);
                Assert.Contains("Connection refused", cause, StringComparison.Ordinal);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Start_HttpUrlsNotPlainHttp_StopsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var host = RunCommand.CreateHost(database.Folder, RunSettings(database, "https://127.0.0.1:0"));

        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Gateway:Http:Urls: 'https://127.0.0.1:0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HttpAddressInUse_ExitsWithOneLineNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var settings = RunSettings(database, $"http://127.0.0.1:{port}");
        settings["Logging:LogLevel:Default"] = "Information";
        var console = Console.Out;
        using var logged = new StringWriter();
        Console.SetOut(logged);
        int exit;
        try
        {
            exit = await GatewayCli.RunAsync(["run"], stdout, stderr, settings, CancellationToken.None);
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.Equal(ExitCodes.Failure, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("Gateway:Http:Urls", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
        // Stopped before anything started: no stack trace, no failed host in the log (the console is the process's, so
        // only what names this port or the host's start is looked for).
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain($"Failed to bind to address http://127.0.0.1:{port}", logged.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", logged.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A gateway on the test database whose mail servers are a closed port (its poll fails at once, which
    /// these tests do not look at), listening for HTTP at <paramref name="urls"/>.</summary>
    internal static Dictionary<string, string?> RunSettings(TestDatabase database, string urls)
    {
        var closed = FreePorts.Tcp().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>(database.Settings)
        {
            ["ReplyTokens:CurrentKeyId"] = "t1",
            ["ReplyTokens:Keys:t1"] = TestDatabase.TestTokenKey,
            ["Imap:Port"] = closed,
            ["Imap:Password"] = "demo",
            ["Imap:UseIdle"] = "false",
            ["Smtp:Port"] = closed,
            ["Logging:LogLevel:Default"] = "None",
            ["Gateway:Http:Urls"] = urls,
        };
    }


    private static long Inode(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(start)!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The inodes of every inotify watch of this process (<c>inotify wd:1 ino:2f5e7 ...</c>, hexadecimal).</summary>
    private static HashSet<long> WatchedInodes()
    {
        var inodes = new HashSet<long>();
        foreach (var fdinfo in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(fdinfo);
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            foreach (var line in lines.Where(l => l.StartsWith("inotify ", StringComparison.Ordinal)))
            {
                var ino = line.Split(' ').Single(part => part.StartsWith("ino:", StringComparison.Ordinal));
                inodes.Add(long.Parse(ino["ino:".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return inodes;
    }
}
