using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// PostgreSQL's side of the storage boundary, for several processes on one database: rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> (a process passes over what another holds instead of waiting for it or doing it
/// again), keys are serialized with transaction-scoped advisory locks, lists of ids go in as arrays (<c>= ANY</c>).
/// </summary>
public sealed class PostgresDialect : StorageDialect, IInboundClaims, IFanoutClaims, IOutboxClaims, ITransactionLocks, IStoreQueries
{
    public static PostgresDialect Instance { get; } = new();

    private static readonly PostgresMessageRows MessageRows = new();

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override IBlobStore Blobs => PostgresBlobs.Instance;

    public override IMessageRows Messages => MessageRows;

    public override IInboundClaims Inbound => this;

    public override IFanoutClaims Fanout => this;

    public override IOutboxClaims Outbox => this;

    public override ITransactionLocks Locks => this;

    public override IStoreQueries Queries => this;

    /// <summary>Connects and asks whether the server takes writes (a standby in recovery does not).</summary>
    public override async Task EnsureWritableAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'", connection);
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new IOException("the server is read-only (a standby in recovery, or default_transaction_read_only)");
        }
    }

    public async Task<Dictionary<long, long>> ClaimPendingAsync(GatewayDbContext db, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        await using var command = db.CreateCommand();
        command.CommandText = """
            SELECT "Id", "SizeBytes" FROM "InboundMails"
            WHERE "Id" = ANY(@ids) AND "Status" = 'Pending'
            ORDER BY "Id" FOR UPDATE SKIP LOCKED
            """;
        command.Add("ids", ids.ToArray());
        var claimed = new Dictionary<long, long>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return claimed;
    }

    /// <summary>A session-level advisory lock on the mail, on the context's connection (held open meanwhile): released
    /// when disposed, or by the server when the process dies.</summary>
    public async Task<IAsyncDisposable?> TryClaimAloneAsync(GatewayDbContext db, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = LockKey("inbound:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT pg_try_advisory_lock(@key)";
            command.Add("key", key);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return new SessionLock(db, key);
            }
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }

        await db.Database.CloseConnectionAsync();
        return null;
    }

    public Task<int?> RecordAttemptAsync(GatewayDbContext db, long id, string at, CancellationToken cancellationToken) =>
        StoreQueries.RecordAttemptAsync(db, id, at, cancellationToken);

    public async Task MarkMovedAsync(GatewayDbContext db, IReadOnlyList<long> ids, DateTime nowUtc, string traceEntry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.WithCommandAsync(
            async command =>
            {
                command.Add("now", nowUtc);
                command.Add("entry", traceEntry);
                command.Add("ids", ids.ToArray());
                return await command.ExecuteAsync(
                    $"""UPDATE "InboundMails" SET "MovedAtUtc" = @now, "Trace" = {TraceSql.Appended} WHERE "Id" = ANY(@ids)""",
                    cancellationToken);
            },
            cancellationToken);
    }

    public async Task<IFanoutGroup> BeginAsync(
        GatewayDbContext db, WriteGate gate, int size, int maxAttempts, IReadOnlySet<long> skip, IReadOnlyList<long>? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(skip);
        // The group's rows stay locked by this transaction while it renders, claims and commits: other processes take the
        // next rows instead.
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await using var command = db.CreateCommand();
            if (only is not null)
            {
                command.CommandText = """SELECT "MessageId" FROM "PendingFanouts" WHERE "MessageId" = ANY(@only) ORDER BY "MessageId" FOR UPDATE SKIP LOCKED""";
                command.Add("only", only.ToArray());
            }
            else
            {
                command.CommandText = """
                    SELECT "MessageId" FROM "PendingFanouts"
                    WHERE "Attempts" < @max AND NOT ("MessageId" = ANY(@skip))
                    ORDER BY "MessageId" LIMIT @size FOR UPDATE SKIP LOCKED
                    """;
                command.Add("max", maxAttempts);
                command.Add("skip", skip.ToArray());
                command.Add("size", size);
            }

            var ids = await Sqlite.SqliteDialect.ReadIdsAsync(command, cancellationToken);
            return new FanoutGroup(db, transaction, ids);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public async Task<List<long>> ClaimDueAsync(GatewayDbContext db, string owner, DateTime nowUtc, DateTime untilUtc, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.WithCommandAsync(
            async command =>
            {
                command.CommandText = """
                    UPDATE "OutboundMails" SET "ClaimedBy" = @owner, "ClaimedUntilUtc" = @until
                    WHERE "Id" IN (
                        SELECT "Id" FROM "OutboundMails"
                        WHERE "Status" = 'Pending' AND "NextAttemptAtUtc" <= @now AND ("ClaimedUntilUtc" IS NULL OR "ClaimedUntilUtc" < @now)
                        ORDER BY "NextAttemptAtUtc", "Id" LIMIT @limit
                        FOR UPDATE SKIP LOCKED)
                    RETURNING "Id"
                    """;
                command.Add("owner", owner);
                command.Add("until", untilUtc);
                command.Add("now", nowUtc);
                command.Add("limit", limit);
                return await Sqlite.SqliteDialect.ReadIdsAsync(command, cancellationToken);
            },
            cancellationToken);
    }

    public Task<int> RenewAsync(GatewayDbContext db, string owner, DateTime untilUtc, CancellationToken cancellationToken) =>
        OutboxLeases.RenewAsync(db, owner, untilUtc, cancellationToken);

    /// <summary><c>synchronous_commit = off</c> on the writer's session: a commit returns before its WAL reaches the
    /// disk; a crash of the gateway loses nothing, a crash of the database server may lose the last outcomes (those
    /// mails are sent again).</summary>
    public async Task<IAsyncDisposable> RelaxCommitsAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlRawAsync("SET synchronous_commit = off", cancellationToken);
        return new Restore(db);
    }

    public async Task LockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT pg_advisory_xact_lock(@key)";
        command.Add("key", LockKey(key));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task LockAllAsync(GatewayDbContext db, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand();
        command.CommandText = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(@keys) AS k";
        command.Add("keys", keys.Select(LockKey).Distinct().Order().ToArray());
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<bool> TryLockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT pg_try_advisory_xact_lock(@key)";
        command.Add("key", LockKey(key));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task<HashSet<string>> SuppressedAsync(GatewayDbContext db, IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.WithCommandAsync(
            async query =>
            {
                query.CommandText = """SELECT "Address" FROM "AddressHealth" WHERE "SuppressedAtUtc" IS NOT NULL AND "Address" = ANY(@addresses)""";
                query.Add("addresses", addresses.ToArray());
                return await StoreQueries.ReadStringsAsync(query, cancellationToken);
            },
            cancellationToken);
    }

    public Task<bool> AlreadyPostedAsync(GatewayDbContext db, int channelId, string sourceMessageId, CancellationToken cancellationToken) =>
        StoreQueries.AlreadyPostedAsync(db, channelId, sourceMessageId, cancellationToken);

    public Task EnsureAddressHealthAsync(GatewayDbContext db, string address, CancellationToken cancellationToken) =>
        StoreQueries.EnsureAddressHealthAsync(db, address, cancellationToken);

    public Task<long> LookupVersionAsync(GatewayDbContext db, CancellationToken cancellationToken) =>
        StoreQueries.LookupVersionAsync(db, cancellationToken);

    /// <summary>An advisory lock's 64-bit key for a text key (the first 8 bytes of its SHA-256): the same in every
    /// process.</summary>
    public static long LockKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    private static void RequireTransaction(GatewayDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A claim or a lock is taken only inside a write transaction.");
        }
    }

    private sealed class SessionLock(GatewayDbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT pg_advisory_unlock(@key)";
                command.Add("key", key);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class Restore(GatewayDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await db.Database.ExecuteSqlRawAsync("RESET synchronous_commit", CancellationToken.None);
    }

    /// <summary>A group whose rows this transaction locked when it chose them.</summary>
    private sealed class FanoutGroup(GatewayDbContext db, IDbContextTransaction transaction, IReadOnlyList<long> ids) : IFanoutGroup
    {
        public IReadOnlyList<long> Ids => ids;

        public async Task<List<long>> ClaimAsync(IReadOnlyList<long> claim, CancellationToken cancellationToken)
        {
            if (claim.Count == 0)
            {
                return [];
            }

            await using var command = db.CreateCommand();
            command.CommandText = """DELETE FROM "PendingFanouts" WHERE "MessageId" = ANY(@ids) RETURNING "MessageId" """;
            command.Add("ids", claim.ToArray());
            return await Sqlite.SqliteDialect.ReadIdsAsync(command, cancellationToken);
        }

        public Task<int> RecordFailureAsync(long messageId, string problem, CancellationToken cancellationToken) =>
            StoreQueries.RecordFanoutFailureAsync(db, messageId, problem, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }
}

/// <summary>The message rows, and the message's words in the search index in the same transaction.</summary>
internal sealed class PostgresMessageRows : MessageRows
{
    protected override Task InsertedAsync(GatewayDbContext db, Domain.Message message, CancellationToken cancellationToken) =>
        PostgresSearchIndex.IndexAsync(db, [(message.Id, message.ChannelId, message.Text)], cancellationToken);
}
