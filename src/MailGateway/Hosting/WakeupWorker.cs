using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClpMailGateway.Hosting;

/// <summary>
/// Work this process takes up when any process on the database tells it there is some (<see cref="IWakeups"/>, on
/// PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>): stored mails to thread (claimed mail by mail, so the poller of the mailbox
/// is not the only one threading), posts to fan out, outbox mails to send (claimed under a lease). Each kind runs one at a
/// time in this process, and wake-ups that arrive while it runs count as one more run. A lost wake-up costs only time:
/// the scheduled poll and outbox jobs stay as the net.
/// </summary>
public sealed class WakeupWorker(IWakeups wakeups, IServiceScopeFactory scopes, FailureLog failures, TimeProvider timeProvider) : BackgroundService
{
    private readonly SemaphoreSlim _stored = new(0, 1);
    private readonly SemaphoreSlim _posted = new(0, 1);
    private readonly SemaphoreSlim _queued = new(0, 1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        wakeups.Received += OnWakeup;
        stoppingToken.Register(() => wakeups.Received -= OnWakeup);
        return Task.WhenAll(
            LoopAsync(_stored, "Threading of stored mails", ThreadAnnouncedAsync, stoppingToken),
            LoopAsync(_posted, "Fan-out of posts", static (s, t) => s.GetRequiredService<NotificationFanout>().RunAsync(t), stoppingToken),
            LoopAsync(_queued, "Outbox run", static (s, t) => s.GetRequiredService<OutboxSender>().SendDueAsync(t), stoppingToken));
    }

    /// <summary>Threads what a poll announced, then asks for a poll (in whichever process the scheduler runs it), which
    /// moves the mails threaded here out of the inbox without waiting for the next scheduled one.</summary>
    private static async Task ThreadAnnouncedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if ((await services.GetRequiredService<InboundProcessor>().ProcessAnnouncedAsync(cancellationToken)).Count > 0)
        {
            await services.GetRequiredService<IPollTrigger>().TriggerAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        _stored.Dispose();
        _posted.Dispose();
        _queued.Dispose();
        base.Dispose();
    }

    private void OnWakeup(Wakeup wakeup)
    {
        var signal = wakeup switch
        {
            Wakeup.Stored => _stored,
            Wakeup.Posted => _posted,
            _ => _queued,
        };
        if (signal.CurrentCount > 0)
        {
            return;
        }

        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Signalled by another thread since the check: one run is enough.
        }
    }

    private async Task LoopAsync(SemaphoreSlim signal, string operation, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await work(scope.ServiceProvider, stoppingToken);
                failures.Succeeded(operation);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Reported like a scheduled job's failure; the scheduled job tries again at its next run.
                failures.Failed(operation + " (woken)", ex, timeProvider.GetUtcNow().UtcDateTime);
            }
        }
    }
}
