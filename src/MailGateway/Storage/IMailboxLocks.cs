namespace ClpMailGateway.Storage;

/// <summary>
/// One holder at a time per mailbox, across every process on the database: the poll of a mailbox and its IMAP IDLE
/// connection each take one. A lock is held until it is disposed or its process dies (then it is free at once, and
/// another process takes over).
/// </summary>
public interface IMailboxLocks
{
    /// <summary>The lock on <paramref name="key"/> if nobody holds it, else null.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken);

    /// <summary>The lock on <paramref name="key"/>, waiting for as long as another holds it: a standby takes over the
    /// moment the holder lets go or dies.</summary>
    Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken);
}
