using System.Data.Common;
using ClpMailGateway.Search;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClpMailGateway.Storage;

/// <summary>Sets up every connection a <see cref="GatewayDbContext"/> opens: registers the search index's SQL function
/// (<see cref="SearchTokens.FunctionName"/>; the triggers that index a message call it, so without it no message could be
/// written; a connection opened by hand that writes messages calls <see cref="SearchTokens.Register"/>), and sets
/// SQLite's busy timeout, so that a writer waiting for another connection's write lock is woken by SQLite within
/// milliseconds of its release instead of by Microsoft.Data.Sqlite's coarser retry.</summary>
public sealed class GatewayConnectionInterceptor : DbConnectionInterceptor
{
    /// <summary>As long as a command's default timeout (30 s): the longest write transaction of the gateway (a merge
    /// step of the search index, a 10 MB file) is far shorter.</summary>
    public const string BusyTimeoutSql = "PRAGMA busy_timeout = 30000";

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
            SearchTokens.Register(sqlite);
            using var command = sqlite.CreateCommand();
            command.CommandText = BusyTimeoutSql;
            command.ExecuteNonQuery();
        }
    }
}
