namespace ClpMailGateway.Storage;

/// <summary>
/// Pending fan-outs claimed for rendering and queueing, so that each message's notifications are queued once, by one
/// process. A group is chosen, rendered, then claimed in a write transaction with what was rendered for it.
/// </summary>
public interface IFanoutClaims
{
    /// <summary>The next pending messages (oldest first, fewer than <c>NotificationFanout.MaxAttempts</c> failures), at most
    /// <paramref name="size"/>, not in <paramref name="skip"/>; or, with <paramref name="only"/>, just those. The write
    /// transaction is entered through <paramref name="gate"/>.</summary>
    Task<IFanoutGroup> BeginAsync(GatewayDbContext db, WriteGate gate, int size, int maxAttempts, IReadOnlySet<long> skip, IReadOnlyList<long>? only, CancellationToken cancellationToken);
}

/// <summary>A group of pending fan-outs on its way: <see cref="Ids"/> to render, then <see cref="ClaimAsync"/> in the write
/// transaction it begins, then <see cref="CommitAsync"/>. Disposing it without committing leaves every row pending.</summary>
public interface IFanoutGroup : IAsyncDisposable
{
    IReadOnlyList<long> Ids { get; }

    /// <summary>Begins the write transaction (if it is not already open) and removes the pending rows of
    /// <paramref name="ids"/> this process may queue; returns those (a row another process queued meanwhile is not).</summary>
    Task<List<long>> ClaimAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>Counts a failed rendering of <paramref name="messageId"/> (<paramref name="problem"/>), in the write transaction; returns its attempts.</summary>
    Task<int> RecordFailureAsync(long messageId, string problem, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}
