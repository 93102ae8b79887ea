using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

public class SmtpOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new SmtpOptionsValidator().Validate(null, new SmtpOptions()).Succeeded);

    [Theory]
    [InlineData("not a fingerprint")]
    [InlineData("3A:1F:0C")]
    public void Validate_CertificateSha256NotAHash_FailsNamingTheSettingAndHowToGetIt(string pin)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { CertificateSha256 = pin });

        Assert.True(result.Failed);
        Assert.Contains("Smtp:CertificateSha256", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("openssl x509", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CertificateSha256AsOpensslPrintsIt_Succeeds()
    {
        var pin = "sha256 Fingerprint=" + string.Join(':', Enumerable.Repeat("AB", 32));

        Assert.True(new SmtpOptionsValidator().Validate(null, new SmtpOptions { CertificateSha256 = pin }).Succeeded);
    }
}
