using ClpMailGateway.Hosting;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Search;

/// <summary>A cron expression Quartz cannot read stops the gateway at start.</summary>
public sealed class SearchIndexOptionsValidator : IValidateOptions<SearchIndexOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return QuartzCron.Validate("SearchIndex:Cron", options.Cron, "0 17 * * * ?");
    }
}
