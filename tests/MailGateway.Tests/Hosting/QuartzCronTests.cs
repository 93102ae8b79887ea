using ClpMailGateway.Outbound;
using ClpMailGateway.Search;

namespace ClpMailGateway.Tests.Hosting;

public class QuartzCronTests
{
    [Theory]
    [InlineData("0 17 * * * ?")]
    [InlineData("0 0 3 * * ?")]
    public void Validate_QuartzCron_Succeeds(string cron)
    {
        Assert.True(new SearchIndexOptionsValidator().Validate(null, new SearchIndexOptions { Cron = cron }).Succeeded);
        Assert.True(new DigestOptionsValidator().Validate(null, new DigestOptions { Cron = cron }).Succeeded);
    }

    [Theory]
    [InlineData("17 * * * *")] // five fields: Unix cron, not Quartz
    [InlineData("every hour")]
    public void Validate_NotQuartzCron_FailsNamingTheSetting(string cron)
    {
        var search = new SearchIndexOptionsValidator().Validate(null, new SearchIndexOptions { Cron = cron });
        var digest = new DigestOptionsValidator().Validate(null, new DigestOptions { Cron = cron });

        Assert.True(search.Failed);
        Assert.StartsWith($"SearchIndex:Cron '{cron}' is not a Quartz cron expression (e.g. \"0 17 * * * ?\"", search.FailureMessage, StringComparison.Ordinal);
        Assert.True(digest.Failed);
        Assert.StartsWith($"Digest:Cron '{cron}' is not a Quartz cron expression (e.g. \"0 0 * * * ?\"", digest.FailureMessage, StringComparison.Ordinal);
    }
}
