using ClpMailGateway.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace ClpMailGateway.Retention;

/// <summary>Removes what is kept no longer (schedule: <c>Retention:Cron</c>); see <see cref="RetentionService"/>. Does
/// nothing while <see cref="RetentionOptions.Enabled"/> is off.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(RetentionService retention, IOptions<RetentionOptions> options, FailureLog failures) : IJob
{
    public static readonly JobKey Key = new("retention", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            await failures.RunAsync("Retention", context, retention.RunAsync, cancellationToken);
        }
    }
}
