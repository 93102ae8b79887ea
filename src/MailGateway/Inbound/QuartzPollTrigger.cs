using Quartz;

namespace ClpMailGateway.Inbound;

/// <summary>Runs the poll job now through the scheduler, so it never overlaps the scheduled poll.</summary>
public sealed class QuartzPollTrigger(ISchedulerFactory schedulerFactory) : IPollTrigger
{
    public async Task TriggerAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(ImapPollJob.Key, cancellationToken);
    }
}
