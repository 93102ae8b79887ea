using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ClpMailGateway.Commands;

/// <summary><c>run</c>: hosts the gateway: migrations at start, then the Quartz scheduler that the inbound and
/// outbound jobs run on. Stops gracefully on Ctrl+C or SIGTERM, letting running jobs finish.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancellationToken)
    {
        CommandArguments.Parse("run", args, new HashSet<string>()).NoPositional();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.Sources.Clear();
        GatewayConfiguration.Apply(builder.Configuration, overrides);
        builder.Services.AddGatewayCore(builder.Configuration);
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddQuartz(quartz => quartz.UseInMemoryStore());
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);

        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
