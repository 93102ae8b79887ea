using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClpMailGateway.Storage.Postgres;

public static class PostgresStorage
{
    /// <summary>PostgreSQL's services: writers do not take turns within a process, mailboxes are locked across processes,
    /// wake-ups go to every process.</summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services)
    {
        services.AddSingleton(new WriteGate(serialize: false));
        services.AddSingleton<IMailboxLocks, PostgresMailboxLocks>();
        services.TryAddSingleton<PostgresWakeups>();
        services.AddSingleton<IWakeups>(s => s.GetRequiredService<PostgresWakeups>());
        services.AddSingleton<ISearchIndex, PostgresSearchIndex>();
        return services;
    }
}
