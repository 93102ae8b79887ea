using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>
/// What the fault scenarios share: mail servers of their own (scripts/mail-servers with a state folder and ports of
/// their own, since the scenarios stop and start them, and must not touch the servers other tests use), the sizes
/// (small in scripts/test, full in scripts/chaos: CLP_FAULT_SCALE=full), and the results table, written to
/// <c>.state/faults/results.md</c> when the last scenario is done.
/// </summary>
public sealed class FaultEnvironment : IAsyncLifetime
{
    public const string Domain = "clp.test";
    public const string Password = "demo";
    public const string Host = "127.0.0.1";

    private readonly Dictionary<string, string> _ports = [];

    public FaultEnvironment()
    {
        var baseDir = Environment.GetEnvironmentVariable("CLP_MAIL_DIR") is { Length: > 0 } dir ? dir : "/dev/shm/clp-mail-servers";
        StateFolder = baseDir.TrimEnd('/') + "-faults";
        foreach (var name in new[] { "CLP_SMTP_PORT", "CLP_SUBMISSION_PORT", "CLP_SMTPS_PORT", "CLP_IMAP_PORT", "CLP_LMTP_PORT", "CLP_AUTH_PORT" })
        {
            _ports[name] = FreePort().ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Full sizes (scripts/chaos), or the small ones scripts/test runs.</summary>
    public static bool Full => string.Equals(Environment.GetEnvironmentVariable("CLP_FAULT_SCALE"), "full", StringComparison.OrdinalIgnoreCase);

    public static FaultReport Report { get; } = new();

    /// <summary>The servers' state folder (CLP_MAIL_DIR of this instance): maildirs in <c>mail/clp.test/LOCAL/Maildir</c>.</summary>
    public string StateFolder { get; }

    public int SmtpPort => int.Parse(_ports["CLP_SMTP_PORT"], CultureInfo.InvariantCulture);

    public int ImapPort => int.Parse(_ports["CLP_IMAP_PORT"], CultureInfo.InvariantCulture);

    /// <summary>The gateway built beside the tests (same configuration).</summary>
    public static string GatewayDll => RepositoryPaths.BuiltDll("MailGateway");

    public static string WebDll => RepositoryPaths.BuiltDll("Web");

    public async Task InitializeAsync() => await MailServersAsync("start");

    public async Task DisposeAsync()
    {
        await Report.WriteAsync(Path.Combine(RepositoryPaths.Root, ".state", "faults", "results.md"));
        await MailServersAsync("stop");
    }

    /// <summary>Runs scripts/mail-servers with this instance's folder and ports (start, stop, outage NAME, resume NAME).</summary>
    public async Task MailServersAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "mail-servers"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CLP_MAIL_DIR"] = StateFolder;
        foreach (var (name, value) in _ports)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/mail-servers {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>The INBOX of a mailbox as Dovecot keeps it (new and cur), or of one of its folders.</summary>
    public IEnumerable<string> MaildirFiles(string localPart, string? folder = null)
    {
        var root = Path.Combine(StateFolder, "mail", Domain, localPart, "Maildir", folder is null ? string.Empty : "." + folder);
        return new[] { "new", "cur" }.Select(d => Path.Combine(root, d)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles);
    }

    /// <summary>Mails Postfix still holds (incoming, active, deferred, maildrop).</summary>
    public int QueuedMails()
    {
        var spool = Path.Combine(StateFolder, "postfix", "spool");
        return new[] { "incoming", "active", "deferred", "maildrop" }.Select(d => Path.Combine(spool, d)).Where(Directory.Exists)
            .Sum(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Count());
    }

    public async Task WaitForEmptyQueueAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (QueuedMails() > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class FaultGroup : ICollectionFixture<FaultEnvironment>
{
    public const string Name = "faults";
}
