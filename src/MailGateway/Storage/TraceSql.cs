namespace ClpMailGateway.Storage;

/// <summary>The SQL both providers share to append an entry to an inbound mail's trace (a JSON array as text) without
/// parsing it, as <c>InboundTrace.Add</c> does in memory.</summary>
internal static class TraceSql
{
    /// <summary><c>"Trace"</c> with the JSON object <c>@entry</c> appended.</summary>
    public const string Appended = """
        CASE WHEN "Trace" = '[]' OR "Trace" = '' THEN '[' || @entry || ']'
             ELSE substr("Trace", 1, length("Trace") - 1) || ',' || @entry || ']' END
        """;
}
