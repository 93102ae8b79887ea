using ClpMailGateway.Domain;
using ClpMailGateway.Threading;

namespace ClpMailGateway.Telemetry;

/// <summary>The only values a metric label may take: each from a closed set, anything else <c>other</c>. A label never
/// carries what a mail brings (an address, a token, a subject), however a caller gets it wrong: an unbounded value would
/// leak it to whoever reads the metrics and give every distinct value a series of its own.</summary>
public static class MetricLabels
{
    public const string Other = "other";

    private static readonly HashSet<string> Reasons = typeof(RejectReasons).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> Kinds = ["reply", "auto_reply", "bounce", "not_a_reply"];

    // The web's own purposes (sign-in, address verification) are named where the web queues them; their values are listed here.
    private static readonly HashSet<string> Purposes = [OutboundPurposes.Notification, OutboundPurposes.Digest, OutboundPurposes.Rejection, "sign-in", "address-verification"];

    /// <summary>A quarantine reason (<see cref="RejectReasons"/>).</summary>
    public static string Reason(string? reason) => reason is not null && Reasons.Contains(reason) ? reason : Other;

    /// <summary>What a mail was classified as (<see cref="InboundMail.Kind"/>); <c>unknown</c> before it was classified.</summary>
    public static string Kind(string? kind) => kind is null ? "unknown" : Kinds.Contains(kind) ? kind : Other;

    /// <summary>An outbound mail's purpose (<see cref="OutboundPurposes"/>, the web's sign-in mails).</summary>
    public static string Purpose(string? purpose) => purpose is not null && Purposes.Contains(purpose) ? purpose : Other;

    public static string Outcome(InboundStatus status) => status switch
    {
        InboundStatus.Posted => "posted",
        InboundStatus.Ignored => "ignored",
        InboundStatus.Rejected => "quarantined",
        _ => "pending",
    };
}
