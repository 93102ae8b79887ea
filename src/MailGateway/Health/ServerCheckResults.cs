using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Health;

/// <summary>The last result of each check that logs in to a server, reused for
/// <see cref="HealthOptions.ReuseServerChecksFor"/>; callers that come while one runs wait for it instead of starting
/// another.</summary>
public sealed class ServerCheckResults(IOptions<HealthOptions> options, TimeProvider timeProvider) : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();

    public async Task<HealthCheckResult> GetOrRunAsync(string name, Func<CancellationToken, Task<HealthCheckResult>> check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(name, out entry!))
            {
                entry = new Entry();
                _entries[name] = entry;
            }
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (entry.Result is { } reused && now - entry.At < options.Value.ReuseServerChecksFor)
            {
                return reused;
            }

            var result = await check(cancellationToken);
            (entry.Result, entry.At) = (result, timeProvider.GetUtcNow());
            return result;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values)
            {
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public HealthCheckResult? Result { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
