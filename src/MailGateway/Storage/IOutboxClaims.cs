namespace ClpMailGateway.Storage;

/// <summary>
/// Outbox mails claimed for sending under a lease (<c>ClaimedBy</c>, <c>ClaimedUntilUtc</c>): a process sends only what
/// it claimed, renews the lease while it sends, and writes an outcome only while it still holds the claim. A process
/// that dies leaves its claims to the others once the lease runs out.
/// </summary>
public interface IOutboxClaims
{
    /// <summary>Claims up to <paramref name="limit"/> pending mails due by <paramref name="nowUtc"/> that nobody holds (or
    /// whose lease ran out), soonest due first, until <paramref name="untilUtc"/>; commits at once.</summary>
    /// <returns>The ids claimed.</returns>
    Task<List<long>> ClaimDueAsync(GatewayDbContext db, string owner, DateTime nowUtc, DateTime untilUtc, int limit, CancellationToken cancellationToken);

    /// <summary>Extends the lease of every pending mail <paramref name="owner"/> holds; returns how many.</summary>
    Task<int> RenewAsync(GatewayDbContext db, string owner, DateTime untilUtc, CancellationToken cancellationToken);

    /// <summary>Lets the outcome writer's commits on the context's (open) connection return before they reach the disk,
    /// until the result is disposed: a crash of the process loses none of them, a crash of the machine (or of the database
    /// server) may lose the last ones, whose mails are then sent again, never lost.</summary>
    Task<IAsyncDisposable> RelaxCommitsAsync(GatewayDbContext db, CancellationToken cancellationToken);
}
