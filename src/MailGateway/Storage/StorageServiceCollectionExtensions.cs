using ClpMailGateway.Storage.Postgres;
using ClpMailGateway.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ConnectionStringName = DatabaseSettings.ConnectionStringName;

    /// <summary>The database shared by the gateway and the web (<c>Database:Provider</c>, <c>ConnectionStrings:Gateway</c>),
    /// and the provider's side of the storage boundary: claims, locks, wake-ups, search, row writing and blobs.</summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = DatabaseSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(new GatewayConnectionString(settings.ConnectionString));
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations();
        services.AddScoped<DatabaseMigrator>();
        if (settings.IsPostgres)
        {
            services.AddDbContext<GatewayDbContext, PostgresGatewayDbContext>(options => options.UseNpgsql(
                settings.ConnectionString,
                npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            services.AddPostgresStorage();
        }
        else
        {
            services.AddDbContext<GatewayDbContext>(options => options.UseSqlite(
                settings.ConnectionString,
                sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            services.AddSqliteStorage();
        }

        return services;
    }
}
