using ClpMailGateway.Demo;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

internal static class SeedDemoCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        CommandArguments.Parse("seed-demo", args, new HashSet<string>()).NoPositional();
        await CommandLookups.EnsureMigratedAsync(services.GetRequiredService<GatewayDbContext>(), cancellationToken);
        var report = await services.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
        foreach (var line in report)
        {
            JsonLines.Write(stdout, line);
        }

        return ExitCodes.Ok;
    }
}
