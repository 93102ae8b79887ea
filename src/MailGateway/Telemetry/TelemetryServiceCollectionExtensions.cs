using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The gateway's instruments, each on a meter made by the container's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>
    /// (so that two hosts, or two tests, in one process count apart).</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<InboundMetrics>();
        services.AddSingleton<OutboundMetrics>();
        services.AddSingleton<SearchMetrics>();
        services.AddSingleton<RetentionMetrics>();
        return services;
    }
}
