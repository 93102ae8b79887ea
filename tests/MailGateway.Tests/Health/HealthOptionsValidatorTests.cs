using ClpMailGateway.Health;

namespace ClpMailGateway.Tests.Health;

public sealed class HealthOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Accepted() =>
        Assert.True(new HealthOptionsValidator().Validate(null, new HealthOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00", "00:00:10", "00:00:10", "Health:OutboxMaxAge")]
    [InlineData("00:15:00", "00:00:00", "00:00:10", "Health:CheckTimeout")]
    [InlineData("00:15:00", "00:06:00", "00:00:10", "Health:CheckTimeout")]
    [InlineData("00:15:00", "00:00:10", "-00:00:01", "Health:ReuseServerChecksFor")]
    public void Validate_OutOfRange_RefusedNamingTheSetting(string outboxMaxAge, string checkTimeout, string reuse, string named)
    {
        var result = new HealthOptionsValidator().Validate(null, new HealthOptions
        {
            OutboxMaxAge = TimeSpan.Parse(outboxMaxAge, System.Globalization.CultureInfo.InvariantCulture),
            CheckTimeout = TimeSpan.Parse(checkTimeout, System.Globalization.CultureInfo.InvariantCulture),
            ReuseServerChecksFor = TimeSpan.Parse(reuse, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }
}
