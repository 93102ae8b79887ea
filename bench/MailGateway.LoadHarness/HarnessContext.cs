using System.Diagnostics;
using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClpMailGateway.LoadHarness;

/// <summary>What every scenario shares: where things are, the report, the real mail servers of scripts/mail-servers,
/// a fresh gateway database per scenario, and the gateway itself run as its own process (so its memory is its own).</summary>
internal sealed class HarnessContext(string repositoryRoot, Report report, double scale)
{
    public const string Host = "127.0.0.1";
    /// <summary>The ports of scripts/mail-servers, from the same variables (CLP_IMAP_PORT, ...) with its defaults, so a
    /// run with its own servers never reaches another instance.</summary>
    public static readonly int ImapPort = Port("CLP_IMAP_PORT", 1143);
    public static readonly int SmtpPort = Port("CLP_SMTP_PORT", 2525);
    public static readonly int LmtpPort = Port("CLP_LMTP_PORT", 2424);
    public const string Domain = "clp.test";

    /// <summary>Every mailbox of scripts/mail-servers has this password.</summary>
    public const string Password = "demo";

    /// <summary>Reply-token key of harness databases (a fixed bench key; never used outside .state/bench).</summary>
    public const string TokenKeyId = "b1";
    public const string TokenKey = "YmVuY2gta2V5LW9mLTMyLWJ5dGVzLS0tLS0tLS0tLS0=";

    public string RepositoryRoot { get; } = repositoryRoot;

    public Report Report { get; } = report;

    /// <summary>Multiplier of every count (1 = the sizes issue 7 names; scripts/bench --scale 0.1 for a quick try).</summary>
    public double Scale { get; } = scale;

    public string StateFolder { get; } = Path.Combine(repositoryRoot, ".state", "bench");

    /// <summary>The gateway as deployed (<c>scripts/publish .state/bench/app</c>, which scripts/bench runs first):
    /// ReadyToRun, as scripts/up runs it.</summary>
    public string GatewayDll => Path.Combine(StateFolder, "app", "gateway", "MailGateway.dll");

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : fallback;

    public int Scaled(int count) => Math.Max(1, (int)Math.Round(count * Scale));

    /// <summary>A fresh, migrated gateway database for one scenario (deleted first if left from an earlier run, unless
    /// <paramref name="keepExisting"/>), and the gateway's services over it for seeding. Extra settings are added to the
    /// configuration.</summary>
    public async Task<HarnessDatabase> CreateDatabaseAsync(
        string name, IReadOnlyDictionary<string, string?>? settings = null, bool keepExisting = false)
    {
        Directory.CreateDirectory(StateFolder);
        var path = Path.Combine(StateFolder, name + ".db");
        foreach (var file in keepExisting ? [] : new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        var values = new Dictionary<string, string?>(BaseSettings(path));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddGatewayCore(configuration);
        var provider = services.BuildServiceProvider();
        var database = new HarnessDatabase(path, provider, values);
        await using (var scope = database.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        return database;
    }

    /// <summary>The settings of a gateway on the bench database: the real servers, the bench key, logging at Warning.</summary>
    public static Dictionary<string, string?> BaseSettings(string databasePath) => new()
    {
        ["ConnectionStrings:Gateway"] = $"Data Source={databasePath}",
        ["ReplyTokens:CurrentKeyId"] = TokenKeyId,
        ["ReplyTokens:Keys:" + TokenKeyId] = TokenKey,
        ["Mail:Domain"] = Domain,
        ["Imap:Host"] = Host,
        ["Imap:Port"] = ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Imap:Password"] = Password,
        ["Smtp:Host"] = Host,
        ["Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
        // The test mail carries no DKIM signature, and one person sends every reply.
        ["Inbound:SenderAuthentication"] = "Off",
        ["Inbound:PostsPerSenderPerChannelPerHour"] = "1000000",
        ["Inbound:PostsPerSenderPerHour"] = "1000000",
        // The HTTP listener of run on a free port: a bench may run beside a gateway of scripts/up.
        ["Gateway:Http:Urls"] = "http://127.0.0.1:0",
    };

    /// <summary>Runs the gateway (MailGateway.dll with these arguments) as a child process with the settings as
    /// environment variables (Section__Key). Returns its exit code, output, wall time and peak working set.</summary>
    public async Task<GatewayRun> RunGatewayAsync(
        IReadOnlyDictionary<string, string?> settings, IEnumerable<string> arguments, CancellationToken cancellationToken,
        Func<Process, Task>? whileRunning = null)
    {
        if (!File.Exists(GatewayDll))
        {
            throw new FileNotFoundException($"No published gateway at {GatewayDll}: run scripts/bench (it runs scripts/publish .state/bench/app first).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = StateFolder,
        };
        start.ArgumentList.Add(GatewayDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var peak = PeakMemory.WatchAsync(process, cancellationToken);
        var extra = whileRunning?.Invoke(process) ?? Task.CompletedTask;
        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        await extra;
        return new GatewayRun(process.ExitCode, await stdout, await stderr, clock.Elapsed, await peak);
    }
}

internal sealed record GatewayRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, long PeakWorkingSetBytes)
{
    public GatewayRun EnsureSuccess(string what) => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{what}: the gateway exited {ExitCode}\n{Stderr}\n{Stdout}");
}

/// <summary>A bench database and the gateway's services over it.</summary>
internal sealed class HarnessDatabase(string path, ServiceProvider services, IReadOnlyDictionary<string, string?> settings) : IAsyncDisposable
{
    public string Path { get; } = path;

    /// <summary>The configuration a gateway process needs to work on this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; } = settings;

    public IServiceProvider Services => services;

    public AsyncServiceScope Scope() => services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
