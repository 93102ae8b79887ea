using ClpMailGateway.Hosting;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Retention;

/// <summary>A cron expression Quartz cannot read stops the gateway at start.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return QuartzCron.Validate("Retention:Cron", options.Cron, "0 41 * * * ?");
    }
}
