using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Hosting;

/// <summary>
/// One line per entry (UTC timestamp, level, category, message, and for an entry about a mail its id and trace id; an
/// exception's text below it), with the secret of every
/// capability link cut out: the path segment after <c>/signin/link/</c>, <c>/unsubscribe/</c> and
/// <c>/settings/addresses/verify/</c>. ASP.NET Core logs each request's path at Information; whatever the configured
/// levels, a sign-in link never reaches the log whole.
/// </summary>
public sealed partial class RedactingConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "clp";

    private static readonly string[] MailScopeKeys = ["InboundId", "OutboundId", "TraceId"];

    [GeneratedRegex(@"(/signin/link/|/unsubscribe/|/settings/addresses/verify/)[^\s?#/""'<>]+", RegexOptions.CultureInvariant)]
    private static partial Regex SecretSegment();

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SecretSegment().Replace(text, "$1[redacted]");
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var settings = options.CurrentValue;
        var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
        if (settings.TimestampFormat is { } format)
        {
            textWriter.Write(now.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.Write(Redact(message ?? string.Empty).ReplaceLineEndings(" "));
        if (AboutMail(scopeProvider) is { } about)
        {
            textWriter.Write(' ');
            textWriter.Write(about);
        }

        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(Environment.NewLine);
            textWriter.Write(Redact(exception.ToString()));
        }

        textWriter.Write(Environment.NewLine);
    }

    /// <summary>"[InboundId=42 TraceId=…]" for an entry in a mail's scope (<c>InboundId</c> or <c>OutboundId</c>), with
    /// the trace the logging's activity tracking put in scope: the ids the JSON format carries, so one grep finds a
    /// mail's lines and its trace. Null for any other entry.</summary>
    public static string? AboutMail(IExternalScopeProvider? scopes)
    {
        if (scopes is null)
        {
            return null;
        }

        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        scopes.ForEachScope(
            (scope, ids) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        if (MailScopeKeys.Contains(key) && value is not null)
                        {
                            ids.TryAdd(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                        }
                    }
                }
            },
            found);
        if (!found.ContainsKey("InboundId") && !found.ContainsKey("OutboundId"))
        {
            return null;
        }

        return "[" + string.Join(' ', MailScopeKeys.Where(found.ContainsKey).Select(k => $"{k}={Redact(found[k])}")) + "]";
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };

    /// <summary>Console logging through this formatter, whatever the configuration names (it is set after binding).</summary>
    public static ILoggingBuilder AddRedactingConsole(ILoggingBuilder logging, string timestampFormat)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddConsole().AddConsoleFormatter<RedactingConsoleFormatter, SimpleConsoleFormatterOptions>(console =>
        {
            console.UseUtcTimestamp = true;
            console.TimestampFormat = timestampFormat;
        });
        logging.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName = FormatterName);
        return logging;
    }
}
