using System.Data.Common;
using ClpMailGateway.Search;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClpMailGateway.Storage;

/// <summary>Registers the search index's SQL function (<see cref="SearchTokens.FunctionName"/>) on every connection a
/// <see cref="GatewayDbContext"/> opens: the triggers that index a message call it, so without it no message could be
/// written. A connection opened by hand that writes messages calls <see cref="SearchTokens.Register"/>.</summary>
public sealed class SearchFunctionInterceptor : DbConnectionInterceptor
{
    public static SearchFunctionInterceptor Instance { get; } = new();

    private SearchFunctionInterceptor()
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
        }
    }
}
