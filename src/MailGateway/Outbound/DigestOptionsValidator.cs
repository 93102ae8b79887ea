using Microsoft.Extensions.Options;
using Quartz;

namespace ClpMailGateway.Outbound;

/// <summary>A cron expression Quartz cannot read stops the gateway at start.</summary>
public sealed class DigestOptionsValidator : IValidateOptions<DigestOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = new CronExpression(options.Cron);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail($"Digest:Cron '{options.Cron}' is not a Quartz cron expression (e.g. \"0 0 * * * ?\" for hourly): {ex.Message}");
        }
    }
}
