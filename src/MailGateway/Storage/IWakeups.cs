namespace ClpMailGateway.Storage;

/// <summary>What a process tells the others (and itself) it has just committed.</summary>
public enum Wakeup
{
    /// <summary>Posts whose notifications are pending: the fan-out has work.</summary>
    Posted,

    /// <summary>Mails queued in the outbox: the sender has work.</summary>
    Queued,

    /// <summary>Inbound mails stored and not yet threaded.</summary>
    Stored,
}

/// <summary>
/// Wake-ups after a commit: on SQLite within the process, on PostgreSQL to every process on the database
/// (<c>LISTEN</c>/<c>NOTIFY</c>). A wake-up may be lost (a process restarting); the scheduled jobs stay as the net.
/// </summary>
public interface IWakeups
{
    /// <summary>Raised for each wake-up received, on a thread of its own; handlers must not block.</summary>
    event Action<Wakeup>? Received;

    /// <summary>Tells every process, this one included. Call it after the commit.</summary>
    Task PublishAsync(Wakeup wakeup, CancellationToken cancellationToken);
}
