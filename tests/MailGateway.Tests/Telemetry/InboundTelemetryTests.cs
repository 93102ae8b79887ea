using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Telemetry;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace ClpMailGateway.Tests.Telemetry;

/// <summary>The inbound pipeline's metrics, per-mail trace and log scopes, on a real SQLite file: what is counted when a
/// reply is posted or quarantined, which labels the counts carry (never what the mail brought), and the one trace a
/// mail keeps from its fetch to its outcome, replay included.</summary>
public sealed class InboundTelemetryTests : IAsyncLifetime, IDisposable
{
    private const string Mailbox = "reply@clp.test/INBOX";
    private const string HostileSubject = "Re: invoice 4711 for léa.secret@vendor.example";
    private readonly ScopeCapture _logs = new();
    private TestDatabase _database = null!;
    private World _world = null!;
    private User _fr = null!;
    private Channel _vendorFr = null!;
    private MeasurementRecorder _metrics = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(configure: s => s
            .AddSingleton<ILoggerFactory>(LoggerFactory.Create(logging => logging
                .AddProvider(_logs)
                .SetMinimumLevel(LogLevel.Debug)
                .Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId)))
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>)));
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _fr = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
        var cpc = await _world.UserAsync(UserRole.Cpc);
        await _world.SaveAsync(db => db.Follows.Add(new Follow { UserId = cpc.Id, TitleId = title.Id }));
        await using var scope = _database.Scope();
        _metrics = new MeasurementRecorder(scope.ServiceProvider.GetRequiredService<IMeterFactory>());
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    public void Dispose()
    {
        _metrics.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Threaded_PostedReply_CountedByOutcomeAndKindWithItsWaitSinceArrival()
    {
        var raw = await ReplyAsync("reel 3 is fine", await TokenAsync());
        InboundJourneys.Fetched(raw, 1, DateTime.UtcNow, DateTime.UtcNow.AddSeconds(-90));

        await ThreadAsync(raw);

        Assert.Equal(1, _metrics.Sum("clp.inbound.threaded", ("clp.inbound.outcome", "posted"), ("clp.inbound.kind", "reply")));
        Assert.Empty(_metrics.Of("clp.inbound.quarantined"));
        var wait = Assert.Single(_metrics.Of("clp.inbound.wait"));
        Assert.Equal("s", wait.Unit);
        Assert.InRange(wait.Value, 90, 600); // from its arrival (INTERNALDATE) in the mailbox, not from its store
    }

    [Fact]
    public async Task Threaded_ReplyWithAForgedToken_CountedQuarantinedByItsReason()
    {
        var token = await TokenAsync();
        var forged = token[..^4] + (token[^4..] == "aaaa" ? "bbbb" : "aaaa");

        await ThreadAsync(await ReplyAsync("let me in", forged));

        Assert.Equal(1, _metrics.Sum("clp.inbound.threaded", ("clp.inbound.outcome", "quarantined")));
        Assert.Equal(1, _metrics.Sum("clp.inbound.quarantined", ("clp.quarantine.reason", "invalid_token")));
        Assert.Empty(_metrics.Of("clp.inbound.wait"));
    }

    [Fact]
    public async Task Labels_RepliesPostedQuarantinedAndFannedOut_NeverCarryAnAddressATokenOrTheSubject()
    {
        var token = await TokenAsync();
        await ThreadAsync(await ReplyAsync("posted", token), await ReplyAsync("refused", token[..^2] + "zz"), await ReplyAsync("no token", null));
        Assert.Equal(1, await _database.FanOutAsync());

        var measured = _metrics.All;
        Assert.Equal(3, measured.Where(m => m.Instrument == "clp.inbound.threaded").Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => m.Instrument == "clp.outbound.queued").Sum(m => m.Value));
        var values = measured.SelectMany(m => m.Tags.Values).Select(v => v ?? string.Empty).Distinct().ToList();
        Assert.NotEmpty(values);
        Assert.All(values, v =>
        {
            Assert.DoesNotContain("@", v, StringComparison.Ordinal);
            Assert.DoesNotContain(token[..8], v, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("invoice", v, StringComparison.OrdinalIgnoreCase);
        });
        Assert.All(measured.SelectMany(m => m.Tags.Keys), k => Assert.StartsWith("clp.", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trace_FetchedMail_OneTraceIdFromItsStoreToItsPost()
    {
        var raw = await ReplyAsync("traced", await TokenAsync());
        InboundJourneys.Fetched(raw, 1, DateTime.UtcNow, null);
        var journey = InboundJourneys.Of(raw)!.Activity;

        var mail = await ThreadAsync(raw);

        var steps = Steps(mail.Trace);
        Assert.Contains(steps, s => (string?)s["step"] == "stored");
        Assert.Contains(steps, s => (string?)s["step"] == "posted");
        Assert.All(steps.Where(s => (string?)s["step"] != "attempt"), s => Assert.Equal(journey.TraceId.ToHexString(), (string?)s["trace_id"]));
        Assert.Equal(journey.TraceId.ToHexString(), InboundJourneys.StoredTraceId(mail.Trace));
        Assert.NotEqual(TimeSpan.Zero, journey.Duration); // ended with its outcome
        Assert.Equal("posted", journey.GetTagItem("clp.inbound.outcome"));
    }

    [Fact]
    public async Task Trace_QuarantinedMailReplayed_TheReplayContinuesItsTrace()
    {
        var raw = await ReplyAsync("no token at all", null);
        var mail = await ThreadAsync(raw);
        Assert.Equal(InboundStatus.Rejected, mail.Status);
        var traceId = InboundJourneys.StoredTraceId(mail.Trace);
        Assert.NotNull(traceId);

        var replayed = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ReplayAsync(mail.Id, CancellationToken.None));

        var steps = Steps(replayed!.Trace);
        Assert.True(steps.Count > Steps(mail.Trace).Count);
        Assert.All(steps.Where(s => s["trace_id"] is not null), s => Assert.Equal(traceId, (string?)s["trace_id"]));
        Assert.Equal(2, steps.Count(s => (string?)s["step"] == "rejected" && (string?)s["trace_id"] == traceId));
    }

    [Fact]
    public async Task Logs_WhileAMailIsThreaded_EveryEntryNamesTheMailAndItsTrace()
    {
        var raw = await ReplyAsync("logged", null);

        var mail = await ThreadAsync(raw);

        var traceId = InboundJourneys.StoredTraceId(mail.Trace);
        var about = _logs.Entries.Where(e => e.Message.Contains($"Inbound mail {mail.Id} ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(about);
        Assert.All(about, e =>
        {
            Assert.Equal(mail.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Scopes.GetValueOrDefault("InboundId"));
            Assert.Equal(traceId, e.Scopes.GetValueOrDefault("TraceId"));
        });
    }

    [Fact]
    public async Task QuarantineShow_QuarantinedMail_PrintsItsTraceId()
    {
        var mail = await ThreadAsync(await ReplyAsync("shown", null));

        var shown = await new Cli(_database).RunAsync("quarantine", "show", mail.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, shown.ExitCode);
        var traceId = Assert.Single(shown.Lines).GetProperty("trace_id").GetString();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal(InboundJourneys.StoredTraceId(mail.Trace), traceId);
    }

    [Fact]
    public void StoredContext_HostileTraces_GiveNoContext()
    {
        Assert.Equal(default, InboundJourneys.StoredContext(null));
        Assert.Equal(default, InboundJourneys.StoredContext("{\"trace_id\":1}"));
        Assert.Equal(default, InboundJourneys.StoredContext("[{\"trace_id\":\"zz\",\"span_id\":\"00\"}]"));
        Assert.Equal(default, InboundJourneys.StoredContext("[{\"trace_id\":\"00000000000000000000000000000000\",\"span_id\":\"0000000000000000\"}]"));
        Assert.Equal(default, InboundJourneys.StoredContext("[{\"trace_id\":\"" + new string('a', 32) + "\"" /* cut short */));
        var context = InboundJourneys.StoredContext("[{\"step\":\"stored\",\"trace_id\":\"" + new string('a', 32) + "\",\"span_id\":\"" + new string('b', 16) + "\"}]");
        Assert.Equal(new string('a', 32), context.TraceId.ToHexString());
    }

    private static List<JsonNode> Steps(string trace) => [.. JsonNode.Parse(trace)!.AsArray().Select(s => s!)];

    private async Task<InboundMail> ThreadAsync(params byte[][] raws)
    {
        var rows = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync(Mailbox, 1, raws.Select((raw, i) => (i + 1L, raw)).ToList(), CancellationToken.None));
        await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(rows.Select(r => r.Mail).ToList(), CancellationToken.None));
        var id = rows[0].Mail.Id;
        return await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id));
    }

    private Task<string> TokenAsync() =>
        _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));

    private async Task<byte[]> ReplyAsync(string text, string? token)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_fr.Emails[0].Address));
        message.To.Add(MailboxAddress.Parse(token is null ? "reply@clp.test" : $"reply+{token}@clp.test"));
        message.Subject = HostileSubject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Body = new TextPart("plain") { Text = text };
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        return stream.ToArray();
    }

    /// <summary>Every log entry with the values of the scopes it was written in.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public List<(string Category, string Message, Dictionary<string, string?> Scopes)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Capturing(ScopeCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new Dictionary<string, string?>(StringComparer.Ordinal);
                owner._scopes.ForEachScope(
                    (scope, values) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, value) in pairs)
                            {
                                values[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                            }
                        }
                    },
                    scopes);
                lock (owner.Entries)
                {
                    owner.Entries.Add((category, formatter(state, exception), scopes));
                }
            }
        }
    }
}
