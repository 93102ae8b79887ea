using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

internal static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        CommandArguments.Parse("migrate", args, new HashSet<string>()).NoPositional();
        var db = services.GetRequiredService<GatewayDbContext>();
        var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var all = db.Database.GetMigrations().ToList();
        JsonLines.Write(stdout, new
        {
            Type = "migrated",
            Database = services.GetRequiredService<DatabaseSettings>().Describe(),
            Applied = applied,
            Current = all.LastOrDefault(),
        });
        return ExitCodes.Ok;
    }
}
