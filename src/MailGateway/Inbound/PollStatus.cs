using ClpMailGateway.Hosting;

namespace ClpMailGateway.Inbound;

/// <summary>
/// What this process knows of its reading of the gateway mailbox, for health checks and metrics: when a poll last
/// succeeded and how long it took, when one last failed and why, and whether the IMAP IDLE connection is open. The
/// scheduled poll (<see cref="ImapPollJob"/>) and the IDLE listener (<see cref="ImapIdleListener"/>) record into it;
/// a new process knows nothing yet (every time null, IDLE not connected).
/// </summary>
public sealed class PollStatus(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private Snapshot _current = new(timeProvider.GetUtcNow().UtcDateTime, null, null, null, null, false, null);

    /// <summary>A consistent copy of the status at one moment.</summary>
    /// <param name="SinceUtc">When this status began (about when the process started).</param>
    /// <param name="LastSuccessUtc">When the last successful poll ended.</param>
    /// <param name="LastDuration">How long the last successful poll took.</param>
    /// <param name="LastFailureUtc">When the last failed poll ended (it may be older than the last success).</param>
    /// <param name="LastFailureCause">The cause of that failure, in one line.</param>
    /// <param name="IdleConnected">Whether this process holds an IDLE connection on the mailbox now.</param>
    /// <param name="IdleCause">Why it does not, when it does not (null before the listener's first try, or without IDLE).</param>
    public sealed record Snapshot(
        DateTime SinceUtc,
        DateTime? LastSuccessUtc, TimeSpan? LastDuration, DateTime? LastFailureUtc, string? LastFailureCause, bool IdleConnected, string? IdleCause);

    public Snapshot Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Runs one poll and records its end: the time and duration when it succeeds, the time and cause when it
    /// fails (the failure is rethrown). A poll cancelled by the process stopping is neither.</summary>
    public async Task<T> TrackAsync<T>(Func<CancellationToken, Task<T>> poll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        var started = timeProvider.GetTimestamp();
        try
        {
            var result = await poll(cancellationToken);
            var duration = timeProvider.GetElapsedTime(started);
            Update(s => s with { LastSuccessUtc = timeProvider.GetUtcNow().UtcDateTime, LastDuration = duration });
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var cause = FailureLog.Describe(ex);
            Update(s => s with { LastFailureUtc = timeProvider.GetUtcNow().UtcDateTime, LastFailureCause = cause });
            throw;
        }
    }

    public void IdleConnected() => Update(s => s with { IdleConnected = true, IdleCause = null });

    public void IdleDisconnected(string cause)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cause);
        Update(s => s with { IdleConnected = false, IdleCause = cause });
    }

    private void Update(Func<Snapshot, Snapshot> change)
    {
        lock (_lock)
        {
            _current = change(_current);
        }
    }
}
