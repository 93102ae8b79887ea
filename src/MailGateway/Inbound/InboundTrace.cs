using System.Text.Json;
using System.Text.Json.Nodes;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Inbound;

/// <summary>Appends steps to an inbound mail's stored trace: what happened to it, when, and why.</summary>
public static class InboundTrace
{
    public static void Add(InboundMail mail, DateTime atUtc, string step, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var array = JsonNode.Parse(mail.Trace) as JsonArray ?? [];
        var entry = new JsonObject { ["at"] = atUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["step"] = step };
        if (detail is not null)
        {
            entry["detail"] = detail;
        }

        array.Add(entry);
        mail.Trace = array.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
