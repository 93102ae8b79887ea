using System.Text.Json;
using ClpMailGateway.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClpMailGateway.Storage.Sqlite;

/// <summary>
/// SQLite's side of the storage boundary. SQLite lets one writer in at a time and a write transaction begins
/// <c>IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so reading a row's state inside one is already a claim, and a
/// check followed by its write cannot interleave with another process's: the claims here are plain reads and writes,
/// the locks nothing more. Lists of ids go in as one JSON parameter (<c>json_each</c>).
/// </summary>
public sealed class SqliteDialect : StorageDialect, IInboundClaims, IFanoutClaims, IOutboxClaims, ITransactionLocks, IStoreQueries
{
    public static SqliteDialect Instance { get; } = new();

    private static readonly MessageRows MessageRows = new();

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override IBlobStore Blobs => SqliteBlobs.Instance;

    public override IMessageRows Messages => MessageRows;

    public override IInboundClaims Inbound => this;

    public override IFanoutClaims Fanout => this;

    public override IOutboxClaims Outbox => this;

    public override ITransactionLocks Locks => this;

    public override IStoreQueries Queries => this;

    /// <summary>Opens the file (creating it and its folder when new) and changes its header in a transaction that is
    /// rolled back.</summary>
    public override async Task EnsureWritableAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var path = builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal)
            ? Path.GetFullPath(source)
            : builder.DataSource;
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } folder && Path.IsPathRooted(path))
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = new SqliteConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync(cancellationToken);
            try
            {
                command.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = $"PRAGMA user_version = {version}";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                command.CommandText = "ROLLBACK";
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    public Task<Dictionary<long, long>> ClaimPendingAsync(GatewayDbContext db, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireTransaction(db);
        return db.InboundMails.AsNoTracking().Where(m => ids.Contains(m.Id) && m.Status == InboundStatus.Pending)
            .Select(m => new { m.Id, m.SizeBytes }).ToDictionaryAsync(m => m.Id, m => m.SizeBytes, cancellationToken);
    }

    /// <summary>Nothing to claim: one gateway process threads (its pipeline takes turns at writing).</summary>
    public Task<IAsyncDisposable?> TryClaimAloneAsync(GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(NoClaim.Instance);

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
                command.Add("ids", JsonSerializer.Serialize(ids));
                return await command.ExecuteAsync(
                    $"""UPDATE "InboundMails" SET "MovedAtUtc" = @now, "Trace" = {TraceSql.Appended} WHERE "Id" IN (SELECT value FROM json_each(@ids))""",
                    cancellationToken);
            },
            cancellationToken);
    }

    public async Task<IFanoutGroup> BeginAsync(
        GatewayDbContext db, WriteGate gate, int size, int maxAttempts, IReadOnlySet<long> skip, IReadOnlyList<long>? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(skip);
        // Read and rendered without the write lock; claimed in the write transaction (a row gone by then was queued by
        // another fan-out, which then drops nothing and this one drops what it rendered).
        var ids = only?.ToList() ?? (await db.PendingFanouts.AsNoTracking().Where(f => f.Attempts < maxAttempts)
                .OrderBy(f => f.MessageId).Select(f => f.MessageId).Take(size + skip.Count).ToListAsync(cancellationToken))
            .Where(id => !skip.Contains(id)).Take(size).ToList();
        return new FanoutGroup(db, gate, ids);
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
                        ORDER BY "NextAttemptAtUtc", "Id" LIMIT @limit)
                    RETURNING "Id"
                    """;
                command.Add("owner", owner);
                command.Add("until", untilUtc);
                command.Add("now", nowUtc);
                command.Add("limit", limit);
                return await ReadIdsAsync(command, cancellationToken);
            },
            cancellationToken);
    }

    public Task<int> RenewAsync(GatewayDbContext db, string owner, DateTime untilUtc, CancellationToken cancellationToken) =>
        OutboxLeases.RenewAsync(db, owner, untilUtc, cancellationToken);

    /// <summary>Outcomes are committed without waiting for the disk (WAL, <c>synchronous = NORMAL</c>, this connection
    /// only): a commit is in the WAL once it returns, so a crash of this process loses none; only a power loss or an OS
    /// crash can lose the last groups, and those mails are then sent again, never lost (as SMTP's own window).</summary>
    public async Task<IAsyncDisposable> RelaxCommitsAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        var previous = await PragmaAsync(connection, "PRAGMA synchronous", cancellationToken);
        await PragmaAsync(connection, OutcomeSynchronousSql, cancellationToken);
        return new Restore(async () => await PragmaAsync(connection, $"PRAGMA synchronous = {previous}", CancellationToken.None));
    }

    /// <summary>The outcome writer's durability (see <see cref="RelaxCommitsAsync"/>).</summary>
    internal const string OutcomeSynchronousSql = "PRAGMA synchronous = NORMAL";

    private static async Task<long?> PragmaAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }

    public Task LockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        return Task.CompletedTask;
    }

    public Task LockAllAsync(GatewayDbContext db, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        return Task.CompletedTask;
    }

    public Task<bool> TryLockAsync(GatewayDbContext db, string key, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        return Task.FromResult(true);
    }

    public Task<HashSet<string>> SuppressedAsync(GatewayDbContext db, IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.WithCommandAsync(
            async query =>
            {
                query.CommandText = """
                    SELECT "Address" FROM "AddressHealth"
                    WHERE "SuppressedAtUtc" IS NOT NULL AND "Address" IN (SELECT value FROM json_each(@addresses))
                    """;
                query.Add("addresses", JsonSerializer.Serialize(addresses));
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

    internal static async Task<List<long>> ReadIdsAsync(System.Data.Common.DbCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static void RequireTransaction(GatewayDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A claim or a lock is taken only inside a write transaction.");
        }
    }

    private sealed class NoClaim : IAsyncDisposable
    {
        public static NoClaim Instance { get; } = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A group read without the write lock, claimed by deleting its pending rows in the write transaction.</summary>
    private sealed class FanoutGroup(GatewayDbContext db, WriteGate gate, IReadOnlyList<long> ids) : IFanoutGroup
    {
        private WriteGate.Turn? _turn;
        private IDbContextTransaction? _transaction;

        public IReadOnlyList<long> Ids => ids;

        public async Task<List<long>> ClaimAsync(IReadOnlyList<long> claim, CancellationToken cancellationToken)
        {
            await BeginWriteAsync(cancellationToken);
            if (claim.Count == 0)
            {
                return [];
            }

            await using var command = db.CreateCommand();
            command.CommandText = """DELETE FROM "PendingFanouts" WHERE "MessageId" IN (SELECT value FROM json_each(@ids)) RETURNING "MessageId" """;
            command.Add("ids", JsonSerializer.Serialize(claim));
            return await ReadIdsAsync(command, cancellationToken);
        }

        public async Task<int> RecordFailureAsync(long messageId, string problem, CancellationToken cancellationToken)
        {
            await BeginWriteAsync(cancellationToken);
            return await StoreQueries.RecordFanoutFailureAsync(db, messageId, problem, cancellationToken);
        }

        public Task CommitAsync(CancellationToken cancellationToken) =>
            _transaction?.CommitAsync(cancellationToken) ?? Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }

            _turn?.Dispose();
        }

        private async Task BeginWriteAsync(CancellationToken cancellationToken)
        {
            if (_transaction is null)
            {
                _turn = await gate.EnterAsync(cancellationToken);
                _transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            }
        }
    }
}
