namespace ClpMailGateway.Storage;

/// <summary>Wake-ups within one process (SQLite), raised at once on the publishing thread.</summary>
public sealed class InProcessWakeups : IWakeups
{
    public event Action<Wakeup>? Received;

    public Task PublishAsync(Wakeup wakeup, CancellationToken cancellationToken)
    {
        Received?.Invoke(wakeup);
        return Task.CompletedTask;
    }
}
