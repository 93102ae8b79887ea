using System.Diagnostics;
using ClpMailGateway.Hosting;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ClpMailGateway.Tests.Hosting;

/// <summary>The default text log format: one line per entry, a line about a mail ending with its id and trace id.</summary>
public sealed class RedactingConsoleFormatterTests
{
    [Fact]
    public void Write_EntryInAMailScopeAndATrace_EndsWithTheMailIdAndTraceId()
    {
        using var activity = new Activity("inbound mail").SetIdFormat(ActivityIdFormat.W3C).Start();
        var scopes = new LoggerExternalScopeProvider();
        using var mail = scopes.Push(new[] { new KeyValuePair<string, object?>("InboundId", 42L) });
        using var trace = scopes.Push(new[]
        {
            new KeyValuePair<string, object?>("TraceId", activity.TraceId.ToHexString()),
            new KeyValuePair<string, object?>("SpanId", activity.SpanId.ToHexString()),
        });

        var line = Write("Inbound mail 42: Posted", scopes);

        Assert.EndsWith($"] Inbound mail 42: Posted [InboundId=42 TraceId={activity.TraceId.ToHexString()}]{Environment.NewLine}", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Write_OutboundMailWithoutATrace_EndsWithItsIdOnly()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var mail = scopes.Push(new[] { new KeyValuePair<string, object?>("OutboundId", 7L) });

        Assert.EndsWith($"Sent [OutboundId=7]{Environment.NewLine}", Write("Sent", scopes), StringComparison.Ordinal);
    }

    /// <summary>A request's or a job's line carries a trace too, but is about no mail: it stays as it was.</summary>
    [Fact]
    public void Write_TraceButNoMail_NothingAdded()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var trace = scopes.Push(new[] { new KeyValuePair<string, object?>("TraceId", new string('a', 32)) });
        using var text = scopes.Push("a scope that is text");

        Assert.EndsWith($"] Request finished{Environment.NewLine}", Write("Request finished", scopes), StringComparison.Ordinal);
        Assert.EndsWith($"] No scopes{Environment.NewLine}", Write("No scopes", null), StringComparison.Ordinal);
    }

    private static string Write(string message, IExternalScopeProvider? scopes)
    {
        var formatter = new RedactingConsoleFormatter(new StaticOptionsMonitor<SimpleConsoleFormatterOptions>(new SimpleConsoleFormatterOptions { UseUtcTimestamp = true, TimestampFormat = "HH:mm:ss " }));
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "ClpMailGateway.Test", new EventId(1), message, null, (s, _) => s), scopes, writer);
        return writer.ToString();
    }
}
