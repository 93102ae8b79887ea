using Microsoft.Extensions.Options;
using Quartz;

namespace ClpMailGateway.Hosting;

/// <summary>Checks a cron setting at start: an expression Quartz cannot read stops the gateway with its key and why.</summary>
public static class QuartzCron
{
    /// <param name="example">an hourly expression to show</param>
    public static ValidateOptionsResult Validate(string key, string cron, string example)
    {
        try
        {
            _ = new CronExpression(cron);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail($"{key} '{cron}' is not a Quartz cron expression (e.g. \"{example}\" for hourly): {ex.Message}");
        }
    }
}
