using System.Data.Common;
using ClpMailGateway.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClpMailGateway.Storage.Sqlite;

/// <summary>Sets up every connection a <see cref="GatewayDbContext"/> opens: registers the search index's SQL function
/// (<see cref="SqliteSearchIndex.FunctionName"/>; the triggers that index a message call it, so without it no message could be
/// written; a connection opened by hand that writes messages calls <see cref="SqliteSearchIndex.RegisterFunction"/>), and sets
/// SQLite's busy timeout, so that a writer waiting for another connection's write lock is woken by SQLite within
/// milliseconds of its release instead of by Microsoft.Data.Sqlite's coarser retry, and the WAL's checkpoint interval.</summary>
public sealed class GatewayConnectionInterceptor : DbConnectionInterceptor
{
    /// <summary>As long as a command's default timeout (30 s): the longest write transaction of the gateway (a merge
    /// step of the search index, a 10 MB file) is far shorter.</summary>
    public const string BusyTimeoutSql = "PRAGMA busy_timeout = 30000";

    /// <summary>The WAL is copied back into the database once it holds 16,384 pages (64 MB) instead of SQLite's 1,000
    /// (4 MB): the inbound pipeline commits about 16 MB of raw mail per batch, and at 4 MB nearly every commit of the
    /// store and of the threading ran a checkpoint of its own on the serial path. Durability is unchanged (the WAL is synced at every commit).</summary>
    public const string AutoCheckpointSql = "PRAGMA wal_autocheckpoint = 16384";

    public static GatewayConnectionInterceptor Instance { get; } = new();

    private GatewayConnectionInterceptor()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            SqliteSearchIndex.RegisterFunction(sqlite);
            using var command = sqlite.CreateCommand();
            command.CommandText = BusyTimeoutSql;
            command.ExecuteNonQuery();
            command.CommandText = AutoCheckpointSql;
            command.ExecuteNonQuery();
        }
    }
}
