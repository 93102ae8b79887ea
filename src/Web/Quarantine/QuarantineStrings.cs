namespace ClpMailGateway.Web.Quarantine;

/// <summary>The strings of the operators' pages: quarantine, stuck notifications, connection checks (QuarantineStrings.*.resx).</summary>
public sealed class QuarantineStrings;
