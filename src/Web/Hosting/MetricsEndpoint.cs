using System.Net;
using ClpMailGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Hosting;

/// <summary><c>/metrics</c>, the Prometheus scraping endpoint, for a scraper on this machine or on a network named in
/// <c>Telemetry:MetricsNetworks</c>. Anyone else, and any request that came through a proxy (it carries
/// X-Forwarded-For), gets 404 as for a page that does not exist: the metrics say how busy the system is and how it fails.</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            if (!Allowed(context, options))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        }), optionsName: null);

    internal static bool Allowed(HttpContext context, TelemetryOptions options)
    {
        if (context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("X-Original-For"))
        {
            return false;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return IPAddress.IsLoopback(remote) || options.MetricsNetworks.Any(n => IPNetwork.TryParse(n, out var network) && network.Contains(remote));
    }
}
