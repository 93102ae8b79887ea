using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>Gateway processes (the real executable, <c>run</c>) on one harness's database and mailbox, as several
/// gateways are deployed on PostgreSQL: each its own process, killed with SIGKILL when a test says so.</summary>
public sealed class GatewayProcesses(GatewayHarness gateway, int smtpPort, IReadOnlyDictionary<string, string>? settings = null) : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyList<Process> Processes => _processes;

    /// <summary>The last lines the processes wrote to stderr, for a failure's message.</summary>
    public string Errors => string.Join('\n', _errors.TakeLast(40));

    /// <summary>The gateway as its own project builds it (the test's folder lacks what the ASP.NET Core framework
    /// provides to the tests, which the gateway ships itself), in the tests' configuration; or, with
    /// <c>CLP_GATEWAY_DLL</c>, a published one (scripts/bench scale runs the ReadyToRun gateway, as deployed).</summary>
    public static string GatewayDll =>
        Environment.GetEnvironmentVariable("CLP_GATEWAY_DLL") is { Length: > 0 } published ? published : RepositoryPaths.BuiltDll("MailGateway");

    public Process Start()
    {
        var dll = GatewayDll;
        var info = new ProcessStartInfo("dotnet", [dll, "run"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = gateway.Database.Folder,
        };
        var environment = new Dictionary<string, string>(gateway.Database.EnvironmentVariables)
        {
            ["ReplyTokens__CurrentKeyId"] = "t1",
            ["ReplyTokens__Keys__t1"] = TestDatabase.TestTokenKey,
            ["Mail__Domain"] = MailServersFixture.Domain,
            ["Mail__ReplyLocalPart"] = gateway.LocalPart,
            ["Imap__Host"] = gateway.Servers.Host,
            ["Imap__Port"] = gateway.Servers.ImapPort.ToString(CultureInfo.InvariantCulture),
            ["Imap__Username"] = gateway.GatewayAddress,
            ["Imap__Password"] = MailServersFixture.Password,
            // Test mail carries no DKIM signature.
            ["Inbound__SenderAuthentication"] = "Off",
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            // The HTTP listener of run on a free port: several gateways run side by side (a test may choose one).
            ["Gateway__Http__Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        // Drained so that a gateway never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                _errors.Enqueue($"[{process.Id}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    /// <summary>SIGKILL: no shutdown of any kind, as when a machine or a container dies.</summary>
    public static async Task KillAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    await KillAsync(process);
                }
            }
            finally
            {
                process.Dispose();
            }
        }
    }
}
