using System.Net.Sockets;
using ClpMailGateway.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Hosting;

/// <summary>One line per failure with its cause and next try, a summary a minute while it goes on, stack traces only
/// where they help.</summary>
public sealed class FailureLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 2, 5, TimeSpan.Zero));
    private readonly EntryLogger _log = new();

    private FailureLog Log() => new(_time, _log);

    [Fact]
    public void Failed_Outage_OneLineWithCauseAndNextTry_NoStackTrace()
    {
        var log = Log();

        log.Failed("Outbox run", new SqliteException("SQLite Error 8: 'attempt to write a readonly database'.", 8), _time.GetUtcNow().UtcDateTime.AddSeconds(2));

        var line = Assert.Single(_log.Entries, e => e.Level >= LogLevel.Information);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal("Outbox run failed: SqliteException: SQLite Error 8: 'attempt to write a readonly database'.; next try at 10:02:07 UTC (in 2 s)", line.Message);
        Assert.False(line.HasException);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Debug && e.HasException); // the stack trace, at Debug only
    }

    [Fact]
    public void Failed_SameCauseEveryTwoSecondsForThreeMinutes_OneLineThenOneSummaryAMinute()
    {
        var log = Log();
        for (var i = 0; i < 90; i++)
        {
            log.Failed("Outbox run", new SocketException((int)SocketError.ConnectionRefused), _time.GetUtcNow().UtcDateTime.AddSeconds(2));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        var lines = _log.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("Outbox run failed: SocketException: Connection refused", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Outbox run still failing since 10:02:05 UTC, 31 times: SocketException: Connection refused", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("Outbox run still failing since 10:02:05 UTC, 61 times", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Failed_NewCause_LoggedAtOnce_AndABugGetsItsStackTraceOncePerCause()
    {
        var log = Log();

        log.Failed("IMAP poll", new SocketException((int)SocketError.ConnectionRefused), null);
        log.Failed("IMAP poll", new InvalidOperationException("boom"), null);
        log.Failed("IMAP poll", new SocketException((int)SocketError.ConnectionRefused), null);
        log.Failed("IMAP poll", new InvalidOperationException("boom"), null);

        var lines = _log.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.Equal(4, lines.Count); // the cause changed every time
        Assert.Equal([false, true, false, false], lines.Select(l => l.HasException));
        Assert.All(lines, l => Assert.EndsWith("no further try scheduled", l.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Succeeded_AfterFailures_OneLineWithHowLong_ThenNothingMore()
    {
        var log = Log();
        log.Failed("IMAP IDLE", new IOException("reset"), null);
        _time.Advance(TimeSpan.FromSeconds(20));
        log.Failed("IMAP IDLE", new IOException("reset"), null);

        log.Succeeded("IMAP IDLE");
        log.Succeeded("IMAP IDLE");

        var recovered = Assert.Single(_log.Entries, e => e.Level == LogLevel.Information);
        Assert.Equal("IMAP IDLE works again after failing since 10:02:05 UTC, 2 times over 20 s", recovered.Message);
    }

    [Fact]
    public void Describe_DatabaseUpdateError_NamesTheDatabaseCause()
    {
        var inner = new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);

        var cause = FailureLog.Describe(new Microsoft.EntityFrameworkCore.DbUpdateException("An error occurred while saving the entity changes.", inner));

        Assert.Equal("SqliteException: SQLite Error 13: 'database or disk is full'.", cause);
    }

    private sealed class EntryLogger : ILogger<FailureLog>
    {
        public List<(LogLevel Level, string Message, bool HasException)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception is not null));
    }
}
