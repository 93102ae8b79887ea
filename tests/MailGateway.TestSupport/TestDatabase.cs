using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClpMailGateway.TestSupport;

/// <summary>A real SQLite file in a temp folder, migrated with the committed migrations (never EnsureCreated),
/// owned by one test and deleted afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(string folder, ServiceProvider services)
    {
        Folder = folder;
        _services = services;
    }

    public string Folder { get; }

    public string ConnectionString => $"Data Source={Path.Combine(Folder, "gateway.db")}";

    /// <summary>A test reply-token key (32 bytes): tests sign with it, nothing else does.</summary>
    public const string TestTokenKey = "dGVzdC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0tLS0=";

    public static async Task<TestDatabase> CreateAsync(
        TimeProvider? timeProvider = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "clp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Gateway"] = $"Data Source={Path.Combine(folder, "gateway.db")}",
                ["ReplyTokens:CurrentKeyId"] = "t1",
                ["ReplyTokens:Keys:t1"] = TestTokenKey,
                ["Imap:Password"] = "demo",
                // The tests' mails are not signed; sender authentication has tests of its own that turn it on.
                ["Inbound:SenderAuthentication"] = "Off",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddGatewayCore(configuration);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        configure?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var database = new TestDatabase(folder, provider);
        await using var scope = database.Scope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>A fresh scope (and so a fresh DbContext), like one web request or one command.</summary>
    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Scope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Queues the notifications of every pending post (what the gateway's poll and outbox jobs do after
    /// posting); returns how many messages it fanned out.</summary>
    public Task<int> FanOutAsync() =>
        WithAsync(s => s.GetRequiredService<ClpMailGateway.Outbound.NotificationFanout>().RunAsync(CancellationToken.None));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on some platform: the temp folder is cleaned by the OS.
        }
    }
}
