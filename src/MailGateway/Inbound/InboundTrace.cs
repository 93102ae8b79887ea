using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Inbound;

/// <summary>Appends steps to an inbound mail's stored trace: what happened to it, when, and why; and, for a step taken
/// under an activity (the mail's own, <see cref="Telemetry.InboundJourneys"/>), the trace and span ids it belongs to.</summary>
public static class InboundTrace
{
    // One instance: options built per call rebuild their serialization metadata every time.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One step as the JSON object the trace holds.</summary>
    public static string Entry(DateTime atUtc, string step, string? detail = null) => EntryNode(atUtc, step, detail, Activity.Current).ToJsonString(Json);

    /// <summary>Appends a step taken under the current activity, if any.</summary>
    public static void Add(InboundMail mail, DateTime atUtc, string step, string? detail = null) => Add(mail, atUtc, step, detail, Activity.Current);

    /// <summary>Appends a step taken under <paramref name="activity"/> (none: no trace ids).</summary>
    public static void Add(InboundMail mail, DateTime atUtc, string step, string? detail, Activity? activity)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var entry = EntryNode(atUtc, step, detail, activity);

        var trace = mail.Trace;
        if (trace == "[]" || trace.Length == 0)
        {
            mail.Trace = "[" + entry.ToJsonString(Json) + "]";
        }
        else if (trace.Length > 2 && trace[0] == '[' && trace[^1] == ']')
        {
            // The trace is an array written by this method: the entry goes in before its closing bracket, without
            // parsing and writing again what is there.
            mail.Trace = string.Concat(trace.AsSpan(0, trace.Length - 1), ",", entry.ToJsonString(Json), "]");
        }
        else
        {
            var array = JsonNode.Parse(trace) as JsonArray ?? [];
            array.Add(entry);
            mail.Trace = array.ToJsonString(Json);
        }
    }

    private static JsonObject EntryNode(DateTime atUtc, string step, string? detail, Activity? activity)
    {
        var entry = new JsonObject { ["at"] = atUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["step"] = step };
        if (detail is not null)
        {
            entry["detail"] = detail;
        }

        if (activity is { IdFormat: ActivityIdFormat.W3C })
        {
            entry["trace_id"] = activity.TraceId.ToHexString();
            entry["span_id"] = activity.SpanId.ToHexString();
        }

        return entry;
    }
}
