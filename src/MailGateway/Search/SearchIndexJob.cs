using ClpMailGateway.Hosting;
using Quartz;

namespace ClpMailGateway.Search;

/// <summary>Merges the search index when it has grown too many segments (schedule: <c>SearchIndex:Cron</c>).</summary>
[DisallowConcurrentExecution]
public sealed class SearchIndexJob(SearchIndexMaintenance maintenance, FailureLog failures) : IJob
{
    public static readonly JobKey Key = new("search-index", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await failures.RunAsync("Search index upkeep", context, maintenance.RunAsync, cancellationToken);
}
