using System.Collections.Concurrent;

namespace ClpMailGateway.Storage;

/// <summary>Mailbox locks within one process (SQLite: one gateway process polls).</summary>
public sealed class InProcessMailboxLocks : IMailboxLocks
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    public Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(_held.TryAdd(key, 0) ? new Held(_held, key) : null);

    private sealed class Held(ConcurrentDictionary<string, byte> held, string key) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
