using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

using ClpMailGateway.Hosting;

namespace ClpMailGateway.Health;

/// <summary>The body of the health endpoints of the gateway and the web: the overall status and, for each check, its
/// status and, where causes are shown, its cause when it is not healthy and what it measured:
/// <c>{"status":"unhealthy","checks":[{"name":"imap","status":"unhealthy","cause":"...","duration_ms":12.5,"data":{...}}]}</c>.</summary>
public static class HealthJson
{
    public static async Task WriteAsync(HttpContext context, HealthReport report, bool showCauses)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        // Written whole into memory first: the serializer writes synchronously, which the server does not allow.
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", Name(entry.Status));
            if (!showCauses)
            {
                json.WriteEndObject();
                continue;
            }

            if (entry.Status != HealthStatus.Healthy)
            {
                json.WriteString("cause", entry.Description ?? (entry.Exception is { } ex ? FailureLog.Describe(ex) : "no cause given"));
            }

            json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
            if (entry.Data.Count > 0)
            {
                json.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                {
                    json.WritePropertyName(key);
                    JsonSerializer.Serialize(json, value, value?.GetType() ?? typeof(object));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
