using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Telemetry;

/// <summary>How the gateway and the web report on themselves: the console log's format, traces and metrics sent over
/// OTLP, how often the outbox is sampled for its gauges, and who may read the web's <c>/metrics</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Text (one line per entry) or Json (one JSON object per line, with its scopes: mail ids, trace ids).</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Text;

    /// <summary>An OpenTelemetry collector (e.g. http://127.0.0.1:4317) that receives traces and metrics; empty: none.</summary>
    public string OtlpEndpoint { get; set; } = string.Empty;

    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;

    /// <summary>How often <c>run</c> reads the outbox's depth, oldest due mail and suppressed addresses for the metrics.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Networks (CIDR) besides loopback whose requests the web answers at <c>/metrics</c>; others get 404.</summary>
    public IList<string> MetricsNetworks { get; } = [];
}

public enum LogFormat
{
    Text,
    Json,
}

public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
