using System.Diagnostics.Metrics;

namespace ClpMailGateway.Telemetry;

/// <summary>The retention's instrument (meter <see cref="TelemetryNames.RetentionMeter"/>): what each run removed, by
/// kind (<see cref="RetentionKinds"/>).</summary>
public sealed class RetentionMetrics
{
    private readonly Counter<long> _removed;

    public RetentionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _removed = meterFactory.Create(TelemetryNames.RetentionMeter).CreateCounter<long>(
            "clp.retention.removed", "{item}",
            "What retention removed, by kind: inbound_raw (a threaded mail's raw bytes), quarantined_mail (an unresolved quarantined mail), "
            + "outbound_body (a sent or given-up mail's body), sign_in_link, verification_link (an expired address-verification secret).");
    }

    public void Removed(string kind, long count)
    {
        if (count > 0)
        {
            _removed.Add(count, new KeyValuePair<string, object?>("clp.retention.kind", kind));
        }
    }
}

/// <summary>The values of <c>clp.retention.kind</c>.</summary>
public static class RetentionKinds
{
    public const string InboundRaw = "inbound_raw";
    public const string QuarantinedMail = "quarantined_mail";
    public const string OutboundBody = "outbound_body";
    public const string SignInLink = "sign_in_link";
    public const string VerificationLink = "verification_link";
}
