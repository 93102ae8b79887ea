using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ClpMailGateway.TestSupport;

/// <summary>PostgreSQL databases for tests: one template per test process, migrated once with the committed PostgreSQL
/// migrations, then a copy of it per test (<c>CREATE DATABASE … TEMPLATE</c>, a file copy: much quicker than
/// migrating), dropped when the test ends.</summary>
public static class PostgresTestDatabases
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _template;

    /// <summary>The admin connection (a role that may create databases), from <c>CLP_PG_ADMIN</c> as scripts/postgres
    /// writes it.</summary>
    public static string Admin => Environment.GetEnvironmentVariable("CLP_PG_ADMIN") is { Length: > 0 } admin
        ? admin
        : throw new InvalidOperationException("CLP_PG_ADMIN is not set: run scripts/postgres start and source .state/postgres.env");

    /// <returns>The connection string of a new, migrated database.</returns>
    public static async Task<string> CreateAsync()
    {
        var name = "clp_t_" + Guid.NewGuid().ToString("N")[..16];
        await Gate.WaitAsync();
        try
        {
            _template ??= await CreateTemplateAsync();
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {_template}");
        }
        finally
        {
            Gate.Release();
        }

        return new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a test's database. A session the server will not let this role end (a background worker of the
    /// server's own) is waited out a few times; a database still left stays in the test cluster, and the test's outcome
    /// is its own.</summary>
    public static async Task DropAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {builder.Database} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 5)
                {
                    await Console.Error.WriteLineAsync($"test database {builder.Database} left behind: {ex.MessageText}");
                    return;
                }

                await Task.Delay(200 * attempt);
            }
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"clp_tpl_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..8]}";
        await ExecuteAsync($"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
            ["ConnectionStrings:Gateway"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddGatewayStorage(configuration);
        await using (var provider = services.BuildServiceProvider())
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        // A template is copied only while nobody is connected to it.
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").GetAwaiter().GetResult();
        return name;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
