using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Storage.Sqlite;

public static class SqliteStorage
{
    /// <summary>SQLite's services: one process writes, so the process's writers take turns (<see cref="WriteGate"/>), a
    /// mailbox is locked within the process, and wake-ups stay in it.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services)
    {
        services.AddSingleton(new WriteGate(serialize: true));
        services.AddSingleton<IMailboxLocks, InProcessMailboxLocks>();
        services.AddSingleton<IWakeups, InProcessWakeups>();
        services.AddSingleton<ISearchIndex, SqliteSearchIndex>();
        return services;
    }
}
