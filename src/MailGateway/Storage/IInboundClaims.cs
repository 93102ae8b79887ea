namespace ClpMailGateway.Storage;

/// <summary>Stored inbound mails claimed for threading, each by one process: the claim holds until the current
/// transaction ends, and a mail another process holds is passed over, not waited for.</summary>
public interface IInboundClaims
{
    /// <summary>Of <paramref name="ids"/>, the mails still pending, claimed by the context's current transaction.</summary>
    /// <returns>Their ids with their sizes in bytes.</returns>
    Task<Dictionary<long, long>> ClaimPendingAsync(GatewayDbContext db, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Claims mail <paramref name="id"/> for this process while it is threaded alone (its attempt committed
    /// first, then threaded in a transaction of its own), until the result is disposed; null when another process has it.
    /// The claim ends with the process.</summary>
    Task<IAsyncDisposable?> TryClaimAloneAsync(GatewayDbContext db, long id, CancellationToken cancellationToken);

    /// <summary>Commits one more attempt at a pending mail, with a line in its trace (at <paramref name="at"/>, ISO 8601)
    /// when it is not the first; the attempts so far, this one included, or null when the mail is not pending.</summary>
    Task<int?> RecordAttemptAsync(GatewayDbContext db, long id, string at, CancellationToken cancellationToken);

    /// <summary>Closes the move step of these mails (moved out of the inbox, or not movable) and appends
    /// <paramref name="traceEntry"/> (a JSON object) to their trace, in one statement.</summary>
    Task MarkMovedAsync(GatewayDbContext db, IReadOnlyList<long> ids, DateTime nowUtc, string traceEntry, CancellationToken cancellationToken);
}
