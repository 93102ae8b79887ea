namespace ClpMailGateway.Telemetry;

/// <summary>The names the gateway's telemetry is known by outside the process: its meters and its activity source, all
/// under one prefix, so a host subscribes to everything with <c>AddMeter(MeterPrefix + "*")</c>.</summary>
public static class TelemetryNames
{
    public const string Prefix = "ClpMailGateway";

    /// <summary>Subscribes to every meter and activity source of the gateway.</summary>
    public const string Wildcard = Prefix + ".*";

    public const string InboundMeter = Prefix + ".Inbound";
    public const string OutboundMeter = Prefix + ".Outbound";
    public const string SearchMeter = Prefix + ".Search";
    public const string RetentionMeter = Prefix + ".Retention";
    public const string WebMeter = Prefix + ".Web";

    /// <summary>The activity source of the per-mail traces (inbound mails, notifications).</summary>
    public const string MailSource = Prefix + ".Mail";
}
