using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Outbound;

/// <summary>Wakes a <see cref="FanoutWorker"/> when posts were committed (by this process or, on PostgreSQL, by any:
/// <see cref="IWakeups"/>); several notices before it wakes count as one.</summary>
public sealed class FanoutSignal : IDisposable
{
    private readonly SemaphoreSlim _posted = new(0, 1);
    private readonly IWakeups? _wakeups;

    public FanoutSignal()
    {
    }

    public FanoutSignal(IWakeups wakeups)
    {
        ArgumentNullException.ThrowIfNull(wakeups);
        _wakeups = wakeups;
        wakeups.Received += OnWakeup;
    }

    public void Notify()
    {
        if (_posted.CurrentCount > 0)
        {
            return; // already signalled and not yet seen (the usual case while a poll posts group after group)
        }

        try
        {
            _posted.Release();
        }
        catch (SemaphoreFullException)
        {
            // Signalled by another thread since the check: one wake-up is enough.
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _posted.WaitAsync(cancellationToken);

    public void Dispose()
    {
        if (_wakeups is not null)
        {
            _wakeups.Received -= OnWakeup;
        }

        _posted.Dispose();
    }

    private void OnWakeup(Wakeup wakeup)
    {
        if (wakeup == Wakeup.Posted)
        {
            Notify();
        }
    }
}

/// <summary>Runs a piece of work (a poll) while fanning out the notifications of what it posts alongside, on a DI scope
/// and database connection of its own, so that rendering uses the second core while the first threads mails; then fans
/// out what is left, so that everything the work posted has its notifications queued when this returns.</summary>
public sealed class FanoutWorker(IServiceScopeFactory scopes, FanoutSignal signal, ILogger<FanoutWorker> logger)
{
    public async Task<T> AlongsideAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var running = work(cancellationToken);
        var fanningOut = Task.Run(() => FanOutUntilAsync(running, cancellationToken), CancellationToken.None);
        try
        {
            return await running;
        }
        finally
        {
            // The work's outcome comes first; a fan-out failure surfaces when the work succeeded.
            await fanningOut.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (running.IsCompletedSuccessfully)
            {
                await fanningOut;
            }
        }
    }

    private async Task FanOutUntilAsync(Task until, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var fanout = scope.ServiceProvider.GetRequiredService<NotificationFanout>();
        var total = 0;
        while (true)
        {
            var last = until.IsCompleted;
            total += await fanout.RunAsync(cancellationToken);
            if (last)
            {
                break;
            }

            // Until posts are committed or the work ends; the wait is withdrawn after, so that it takes no later notice.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(signal.WaitAsync(wake.Token), until);
            await wake.CancelAsync();
        }

        if (total > 0)
        {
            logger.LogInformation("Fan-out alongside the poll: {Messages} messages", total);
        }
    }
}
