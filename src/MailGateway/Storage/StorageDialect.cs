namespace ClpMailGateway.Storage;

/// <summary>
/// The provider's side of the storage boundary, reached from a context (<see cref="GatewayDbContext.Dialect"/>): every
/// statement a feature needs that EF cannot write the same on both providers, each behind a small interface named after
/// what it does. SQLite's (<see cref="Sqlite.SqliteDialect"/>) relies on SQLite letting one writer in at a time (a write
/// transaction begins <c>IMMEDIATE</c>); PostgreSQL's (<see cref="Postgres.PostgresDialect"/>) claims rows and takes
/// advisory locks so that several processes share the work.
/// </summary>
public abstract class StorageDialect
{
    public abstract DatabaseProvider Provider { get; }

    public static StorageDialect For(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? Postgres.PostgresDialect.Instance : Sqlite.SqliteDialect.Instance;

    /// <summary>Proves the database takes a write; throws the provider's exception (or an I/O one) when it does not.</summary>
    public abstract Task EnsureWritableAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Where the database is, for a person (the SQLite file; PostgreSQL's host, port and database; never a
    /// password).</summary>
    public string Describe(string connectionString) => new DatabaseSettings(Provider, connectionString).Describe();

    /// <summary>Large values written into and read from their row piece by piece.</summary>
    public abstract IBlobStore Blobs { get; }

    /// <summary>Rows inserted by hand on the hot paths (messages with their files, mentions and pending fan-out).</summary>
    public abstract IMessageRows Messages { get; }

    /// <summary>Stored inbound mails claimed for threading.</summary>
    public abstract IInboundClaims Inbound { get; }

    /// <summary>Pending fan-outs claimed for rendering and queueing.</summary>
    public abstract IFanoutClaims Fanout { get; }

    /// <summary>Outbox mails claimed for sending, under a lease.</summary>
    public abstract IOutboxClaims Outbox { get; }

    /// <summary>Locks held by the current transaction on a key (a rate limit, a user's digest).</summary>
    public abstract ITransactionLocks Locks { get; }

    /// <summary>Queries the hot paths run as plain statements.</summary>
    public abstract IStoreQueries Queries { get; }
}
