using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

public class SmtpOptionsValidatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Validate_CommitWindowFromZeroToOneSecond_Succeeds(int milliseconds)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { OutcomeCommitWindow = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(60_000)]
    public void Validate_CommitWindowOutsideRange_FailsNamingTheSetting(int milliseconds)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { OutcomeCommitWindow = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.True(result.Failed);
        Assert.Contains("Smtp:OutcomeCommitWindow", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new SmtpOptionsValidator().Validate(null, new SmtpOptions()).Succeeded);
}
