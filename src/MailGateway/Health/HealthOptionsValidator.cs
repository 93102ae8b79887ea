using Microsoft.Extensions.Options;

namespace ClpMailGateway.Health;

public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.OutboxMaxAge <= TimeSpan.Zero)
        {
            errors.Add("Health:OutboxMaxAge must be above zero.");
        }

        if (options.CheckTimeout <= TimeSpan.Zero || options.CheckTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("Health:CheckTimeout must be above zero and at most 00:05:00.");
        }

        if (options.ReuseServerChecksFor < TimeSpan.Zero || options.ReuseServerChecksFor > TimeSpan.FromHours(1))
        {
            errors.Add("Health:ReuseServerChecksFor must be from 00:00:00 to 01:00:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
