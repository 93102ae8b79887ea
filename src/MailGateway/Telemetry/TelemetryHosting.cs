using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClpMailGateway.Telemetry;

/// <summary>OpenTelemetry in a host (<c>run</c>, the web): every meter and activity source of the gateway
/// (<see cref="TelemetryNames.Wildcard"/>), .NET's own runtime and ASP.NET Core meters, the Prometheus exporter (its
/// scraping endpoint mapped by the host), OTLP when <c>Telemetry:OtlpEndpoint</c> is set, and the console log's format.</summary>
public static class TelemetryHosting
{
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = Otlp(settings);

        // Every log entry written inside an activity carries its trace and span ids as a scope.
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (settings.LogFormat == LogFormat.Json)
        {
            RedactingJsonConsoleFormatter.Use(builder.Logging);
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TelemetryNames.Wildcard, "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                metrics.AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(TelemetryNames.Wildcard);
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(otlp);
                }
            });
        return builder;
    }

    /// <summary>The OTLP exporter's settings, or null when no endpoint is set. A bad address stops the host at start.</summary>
    private static Action<OtlpExporterOptions>? Otlp(TelemetryOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(settings.OtlpEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Telemetry:OtlpEndpoint must be an http or https address (got '{settings.OtlpEndpoint}').");
        }

        return exporter =>
        {
            exporter.Endpoint = endpoint;
            exporter.Protocol = settings.OtlpProtocol == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        };
    }

    /// <summary>The activity source of the per-mail traces.</summary>
    internal static ActivitySource MailSource { get; } = new(TelemetryNames.MailSource);
}
