using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClpMailGateway.TestSupport;

/// <summary>A real database owned by one test and deleted afterwards, migrated with the committed migrations (never
/// EnsureCreated): a SQLite file in a temp folder, or, when <c>CLP_TEST_PROVIDER=Postgres</c>, a PostgreSQL database
/// made from a migrated template on the server <c>CLP_PG_ADMIN</c> names (<c>scripts/postgres</c>).</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(string folder, string connectionString, DatabaseProvider engine, ServiceProvider services)
    {
        Folder = folder;
        ConnectionString = connectionString;
        Engine = engine;
        _services = services;
    }

    /// <summary>This database's provider: <see cref="Provider"/> unless the test asked for one.</summary>
    public DatabaseProvider Engine { get; }

    /// <summary>The provider the tests of this process run on (<c>CLP_TEST_PROVIDER</c>, default SQLite).</summary>
    public static DatabaseProvider Provider { get; } =
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("CLP_TEST_PROVIDER"), ignoreCase: true, out var provider) ? provider : DatabaseProvider.Sqlite;

    public static bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>A time as the provider stores it: PostgreSQL keeps microseconds, SQLite every tick.</summary>
    public static DateTime Stored(DateTime value) => IsPostgres ? new DateTime(value.Ticks - (value.Ticks % 10), value.Kind) : value;

    /// <inheritdoc cref="Stored(DateTime)"/>
    public static DateTime? Stored(DateTime? value) => value is { } v ? Stored(v) : null;

    /// <summary>A folder of the test's own (files, and the SQLite database).</summary>
    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>The settings that point a gateway or a web at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Engine.ToString(),
        ["ConnectionStrings:Gateway"] = ConnectionString,
    };

    /// <summary>The same settings as environment variables, for a process of the gateway or the web.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>
    {
        ["Database__Provider"] = Engine.ToString(),
        ["ConnectionStrings__Gateway"] = ConnectionString,
    };

    /// <summary>A test reply-token key (32 bytes): tests sign with it, nothing else does.</summary>
    public const string TestTokenKey = "dGVzdC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0tLS0=";

    public static async Task<TestDatabase> CreateAsync(
        TimeProvider? timeProvider = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null,
        DatabaseProvider? provider = null)
    {
        var engine = provider ?? Provider;
        var folder = Path.Combine(Path.GetTempPath(), "clp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var connectionString = engine == DatabaseProvider.Postgres ? await PostgresTestDatabases.CreateAsync() : $"Data Source={Path.Combine(folder, "gateway.db")}";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = engine.ToString(),
                ["ConnectionStrings:Gateway"] = connectionString,
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

        var built = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var database = new TestDatabase(folder, connectionString, engine, built);
        await using var scope = database.Scope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>A reader of large values on a connection of its own, as the outbox sender opens one.</summary>
    public IBlobReader OpenBlobReader()
    {
        using var scope = _services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Dialect.Blobs.OpenReader(ConnectionString);
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
        if (Engine == DatabaseProvider.Postgres)
        {
            await PostgresTestDatabases.DropAsync(ConnectionString);
        }

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
