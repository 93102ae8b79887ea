namespace ClpMailGateway.Storage;

/// <summary>Locks on a key held by the context's current write transaction until it ends, so that a check and the write
/// it allows (a rate limit, a user's digest) run for one key in one process at a time.</summary>
public interface ITransactionLocks
{
    /// <summary>Waits for the key's lock.</summary>
    Task LockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken);

    /// <summary>Waits for the locks of all these keys, taken in one order in every process (so two transactions locking
    /// overlapping sets do not deadlock).</summary>
    Task LockAllAsync(GatewayDbContext db, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Takes the key's lock if nobody holds it; false when another transaction does.</summary>
    Task<bool> TryLockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken);
}
