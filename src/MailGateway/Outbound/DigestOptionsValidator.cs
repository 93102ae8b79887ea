using ClpMailGateway.Hosting;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>A cron expression Quartz cannot read stops the gateway at start.</summary>
public sealed class DigestOptionsValidator : IValidateOptions<DigestOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return QuartzCron.Validate("Digest:Cron", options.Cron, "0 0 * * * ?");
    }
}
