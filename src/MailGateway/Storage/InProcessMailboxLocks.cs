using System.Collections.Concurrent;

namespace ClpMailGateway.Storage;

/// <summary>Mailbox locks within one process (SQLite: one gateway process polls).</summary>
public sealed class InProcessMailboxLocks : IMailboxLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        var gate = Gate(key);
        return Task.FromResult<IAsyncDisposable?>(gate.Wait(0, cancellationToken) ? new Held(gate) : null);
    }

    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var gate = Gate(key);
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    private SemaphoreSlim Gate(string key) => _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
