using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ClpMailGateway.Hosting;

/// <summary>
/// How a recurring piece of work (a scheduled job, the IDLE connection) reports failing: one line per failure naming
/// the cause and the next try; while it keeps failing for the same cause, one summary line a minute ("still failing
/// since 10:02:05 UTC, 30 times") instead of a line per try; one line when it works again. Stack traces go to Debug, and
/// to the first line only for a cause that is not an outage (a bug), once per cause in the life of the process.
/// </summary>
public sealed class FailureLog(TimeProvider timeProvider, ILogger<FailureLog> logger)
{
    /// <summary>How often a failure that goes on is summarized.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Streak> _streaks = [];
    private readonly HashSet<string> _tracedCauses = [];

    /// <summary>Runs a scheduled job's work and reports its failure here instead of throwing it to the scheduler (which
    /// would log it again, with its stack trace, twice).</summary>
    public async Task RunAsync(string operation, IJobExecutionContext context, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await work(cancellationToken);
            Succeeded(operation);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Failed(operation, ex, context.NextFireTimeUtc?.UtcDateTime);
        }
    }

    /// <summary>A failure known only by its description (an SMTP reply, an error recorded on a row).</summary>
    public void Failed(string operation, string cause, DateTime? nextTryUtc) => Report(operation, cause, null, nextTryUtc);

    public void Failed(string operation, Exception exception, DateTime? nextTryUtc)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Report(operation, Describe(exception), exception, nextTryUtc);
    }

    private void Report(string operation, string cause, Exception? exception, DateTime? nextTryUtc)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        bool first, summary, trace;
        Streak streak;
        lock (_lock)
        {
            if (!_streaks.TryGetValue(operation, out streak!))
            {
                streak = new Streak(now);
                _streaks[operation] = streak;
            }

            streak.Count++;
            first = streak.Count == 1 || streak.Cause != cause;
            summary = !first && now - streak.LastLogged >= SummaryInterval;
            streak.Cause = cause;
            if (first || summary)
            {
                streak.LastLogged = now;
            }

            trace = first && exception is not null && !IsOutage(exception) && _tracedCauses.Add(operation + "\n" + exception.GetType().FullName + "\n" + cause);
        }

        var next = nextTryUtc is { } at
            ? $"next try at {at:HH:mm:ss} UTC (in {Math.Max(0, (at - now).TotalSeconds):0} s)"
            : "no further try scheduled";
        if (first)
        {
            logger.LogError(trace ? exception : null, "{Operation} failed: {Cause}; {Next}", operation, cause, next);
        }
        else if (summary)
        {
            logger.LogError(
                "{Operation} still failing since {Since:HH:mm:ss} UTC, {Count} times: {Cause}; {Next}", operation, streak.Since, streak.Count, cause, next);
        }

        if (exception is not null)
        {
            logger.LogDebug(exception, "{Operation} failed", operation);
        }
    }

    public void Succeeded(string operation)
    {
        Streak? ended;
        lock (_lock)
        {
            _streaks.Remove(operation, out ended);
        }

        if (ended is not null)
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            logger.LogInformation(
                "{Operation} works again after failing since {Since:HH:mm:ss} UTC, {Count} times over {Seconds:0} s",
                operation, ended.Since, ended.Count, (now - ended.Since).TotalSeconds);
        }
    }

    /// <summary>The cause of a failure in one line: the innermost exception that says what happened.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception;
        while (inner.InnerException is { } next && (inner is DbUpdateException or AggregateException or System.Reflection.TargetInvocationException
            || (inner is InvalidOperationException && inner.Message.StartsWith("An exception has been raised that is likely due to a transient failure", StringComparison.Ordinal))))
        {
            inner = next;
        }

        var message = inner.Message.ReplaceLineEndings(" ").Trim();
        return $"{inner.GetType().Name}: {(message.Length > 400 ? message[..400] + "…" : message)}";
    }

    /// <summary>Failures of something outside the gateway (a server, the network, the disk, the database file), whose
    /// stack trace says nothing an operator needs.</summary>
    private static bool IsOutage(Exception exception) => exception switch
    {
        IOException or SocketException or TimeoutException or System.Data.Common.DbException or UnauthorizedAccessException => true,
        MailKit.ProtocolException or MailKit.CommandException or MailKit.ServiceNotConnectedException or MailKit.ServiceNotAuthenticatedException => true,
        MailKit.Security.AuthenticationException or MailKit.Security.SslHandshakeException => true,
        DbUpdateException { InnerException: { } inner } => IsOutage(inner),
        _ => false,
    };

    private sealed class Streak(DateTime since)
    {
        public DateTime Since { get; } = since;

        public int Count { get; set; }

        public string? Cause { get; set; }

        public DateTime LastLogged { get; set; }
    }
}
