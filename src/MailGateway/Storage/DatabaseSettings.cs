using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ClpMailGateway.Storage;

/// <summary>The provider and the connection string as configured (<c>Database:Provider</c>,
/// <c>ConnectionStrings:Gateway</c>), checked: a connection string the provider cannot use stops the process at start.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ConnectionStringName = "Gateway";

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public static DatabaseSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providerText = configuration[$"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.Provider)}"];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
        {
            throw new InvalidOperationException(
                $"Database:Provider is '{providerText}'; it must be {string.Join(" or ", Enum.GetNames<DatabaseProvider>())}.");
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set; see appsettings.sample.json.");
        }

        return provider == DatabaseProvider.Postgres ? ForPostgres(connectionString) : ForSqlite(connectionString);
    }

    private static DatabaseSettings ForSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} names no Data Source.");
        }

        return new DatabaseSettings(DatabaseProvider.Sqlite, builder.ConnectionString);
    }

    private static DatabaseSettings ForPostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not a PostgreSQL connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} must name a Host and a Database for PostgreSQL.");
        }

        // Times are stored as UTC; the session's time zone only decides how the server prints them, so it is fixed.
        builder.Timezone ??= "UTC";
        return new DatabaseSettings(DatabaseProvider.Postgres, builder.ConnectionString);
    }

    /// <summary>Where the database is, for a person: the SQLite file or PostgreSQL's host, port and database (never a
    /// password).</summary>
    public string Describe() => IsPostgres
        ? new NpgsqlConnectionStringBuilder(ConnectionString) is var pg ? $"postgres://{pg.Host}:{pg.Port}/{pg.Database}" : string.Empty
        : new SqliteConnectionStringBuilder(ConnectionString).DataSource;
}
