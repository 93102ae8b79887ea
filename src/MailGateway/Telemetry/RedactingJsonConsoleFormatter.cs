using System.Text.Encodings.Web;
using System.Text.Json;
using ClpMailGateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Telemetry;

/// <summary>
/// One JSON object per line (<c>Telemetry:LogFormat</c> Json): timestamp, level, category, event id, the message, its
/// template's values, and every scope's values: the mail an entry is about (<c>InboundId</c>, <c>OutboundId</c>) and
/// the trace it belongs to (<c>TraceId</c>, <c>SpanId</c>). Every string passes through
/// <see cref="RedactingConsoleFormatter.Redact"/>, as in the text format, so a capability link's secret never reaches
/// the log whole.
/// </summary>
public sealed class RedactingJsonConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "clp-json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            var now = options.CurrentValue.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            json.WriteString("timestamp", now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("event_id", logEntry.EventId.Id);
            json.WriteString("message", RedactingConsoleFormatter.Redact(message ?? string.Empty));
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", RedactingConsoleFormatter.Redact(exception.ToString()));
            }

            var written = new HashSet<string>(StringComparer.Ordinal) { "timestamp", "level", "category", "event_id", "message", "exception" };
            if (logEntry.State is IEnumerable<KeyValuePair<string, object?>> values)
            {
                WriteValues(json, values, written);
            }

            scopeProvider?.ForEachScope(
                (scope, state) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                    {
                        WriteValues(state.Json, scopeValues, state.Written);
                    }
                },
                (Json: json, Written: written));
            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>Each value once, the first one met winning (the entry's own over its scopes'); the template itself is left out.</summary>
    private static void WriteValues(Utf8JsonWriter json, IEnumerable<KeyValuePair<string, object?>> values, HashSet<string> written)
    {
        foreach (var (key, value) in values)
        {
            if (key == "{OriginalFormat}" || !written.Add(key))
            {
                continue;
            }

            switch (value)
            {
                case null:
                    json.WriteNull(key);
                    break;
                case bool b:
                    json.WriteBoolean(key, b);
                    break;
                case int or long or short or byte or uint or ulong or ushort:
                    json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal:
                    json.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case DateTime or DateTimeOffset:
                    json.WriteString(key, ((IFormattable)value).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    json.WriteString(key, RedactingConsoleFormatter.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
                    break;
            }
        }
    }

    /// <summary>Console logging in this format (instead of the text one), timestamps in UTC.</summary>
    public static ILoggingBuilder Use(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddConsoleFormatter<RedactingJsonConsoleFormatter, SimpleConsoleFormatterOptions>(console => console.UseUtcTimestamp = true);
        logging.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName = FormatterName);
        return logging;
    }
}
