using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ConnectionStringName = "Gateway";

    /// <summary>The SQLite database shared by the gateway and the web (<c>ConnectionStrings:Gateway</c>).</summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set; see appsettings.sample.json.");
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} names no Data Source.");
        }

        services.AddDbContext<GatewayDbContext>(options => options.UseSqlite(
            builder.ConnectionString,
            sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
        services.AddSingleton(new GatewayConnectionString(builder.ConnectionString));
        services.AddScoped<DatabaseMigrator>();
        services.AddSingleton<WriteGate>();
        return services;
    }
}
