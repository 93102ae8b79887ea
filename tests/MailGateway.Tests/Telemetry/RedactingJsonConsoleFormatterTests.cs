using System.Diagnostics;
using System.Text.Json;
using ClpMailGateway.Telemetry;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ClpMailGateway.Tests.Telemetry;

/// <summary>Telemetry:LogFormat Json: one JSON object per line with the entry's values and its scopes (the mail's id, the
/// trace's ids), secrets of capability links cut out as in the text format.</summary>
public sealed class RedactingJsonConsoleFormatterTests
{
    [Fact]
    public void Write_EntryInAMailScopeAndAnActivity_OneJsonLineWithTheMailIdAndTraceIds()
    {
        using var activity = new Activity("inbound mail").SetIdFormat(ActivityIdFormat.W3C).Start();
        var scopes = new LoggerExternalScopeProvider();
        using var mail = scopes.Push(new[] { new KeyValuePair<string, object?>("InboundId", 42L) });
        using var trace = scopes.Push(new[]
        {
            new KeyValuePair<string, object?>("TraceId", activity.TraceId.ToHexString()),
            new KeyValuePair<string, object?>("SpanId", activity.SpanId.ToHexString()),
        });

        var line = Write(LogLevel.Information, "Inbound mail {InboundId} uid {Uid}: {Status}", [42L, 7L, "Posted"], scopes);

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Information", root.GetProperty("level").GetString());
        Assert.Equal("Inbound mail 42 uid 7: Posted", root.GetProperty("message").GetString());
        Assert.Equal(42, root.GetProperty("InboundId").GetInt64());
        Assert.Equal(7, root.GetProperty("Uid").GetInt64());
        Assert.Equal(activity.TraceId.ToHexString(), root.GetProperty("TraceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), root.GetProperty("SpanId").GetString());
        Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Write_SignInLinkInTheMessageAndAValue_SecretCutOutOfBoth()
    {
        const string secret = "Zq3kVt9xLm2pR7sW";
        var line = Write(LogLevel.Information, "Request {Path} from {Client}", [$"/signin/link/{secret}?ReturnUrl=/titles", "line\nbreak \"quoted\""], null);

        Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(line.Trim());
        Assert.Contains("/signin/link/[redacted]", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("/signin/link/[redacted]?ReturnUrl=/titles", json.RootElement.GetProperty("Path").GetString());
        Assert.Equal("line\nbreak \"quoted\"", json.RootElement.GetProperty("Client").GetString()); // escaped, still one line
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Write(LogLevel level, string template, object?[] values, IExternalScopeProvider? scopes)
    {
        var formatter = new RedactingJsonConsoleFormatter(new StaticOptionsMonitor<SimpleConsoleFormatterOptions>(new SimpleConsoleFormatterOptions { UseUtcTimestamp = true }));
        var state = new FormattedValues(template, values);
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<FormattedValues>(level, "ClpMailGateway.Test", new EventId(1), state, null, (s, _) => s.ToString()), scopes, writer);
        return writer.ToString();
    }

    /// <summary>A message template's values as the logging extensions hand them to a formatter.</summary>
    private sealed class FormattedValues(string template, object?[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _pairs = Pairs(template, values);

        public int Count => _pairs.Count;

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            foreach (var (key, value) in _pairs.Where(p => p.Key != "{OriginalFormat}"))
            {
                text = text.Replace("{" + key + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return text;
        }

        private static List<KeyValuePair<string, object?>> Pairs(string template, object?[] values)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, "\\{(\\w+)\\}").Select(m => m.Groups[1].Value).ToList();
            var pairs = names.Select((n, i) => new KeyValuePair<string, object?>(n, values[i])).ToList();
            pairs.Add(new KeyValuePair<string, object?>("{OriginalFormat}", template));
            return pairs;
        }
    }
}
