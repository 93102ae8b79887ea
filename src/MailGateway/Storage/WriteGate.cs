namespace ClpMailGateway.Storage;

/// <summary>
/// Takes turns between the writers of one process (the inbound pipeline and the notification fan-out beside it) in the
/// order they asked, where the database lets one writer in at a time (SQLite): a writer that waits on SQLite alone polls
/// for the lock and, while the other writer commits and begins again at once, may wait for a long time. Taken around
/// each write transaction, not around reads or rendering, so one writer's CPU work runs while the other writes. Other
/// processes (the web) are still served by SQLite's busy timeout. On PostgreSQL writers do not wait for each other, and
/// the gate lets everyone through at once.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim? _turn;

    /// <param name="serialize">Whether writers take turns (SQLite) or pass at once (PostgreSQL).</param>
    public WriteGate(bool serialize = true) => _turn = serialize ? new SemaphoreSlim(1, 1) : null;

    /// <summary>Waits for this process's turn to write; dispose the result when the transaction has ended.</summary>
    public async Task<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        if (_turn is null)
        {
            return default;
        }

        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    public void Dispose() => _turn?.Dispose();

    public readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        public void Dispose() => turn?.Release();
    }
}
