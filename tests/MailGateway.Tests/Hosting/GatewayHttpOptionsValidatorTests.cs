using ClpMailGateway.Hosting;

namespace ClpMailGateway.Tests.Hosting;

public sealed class GatewayHttpOptionsValidatorTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5380")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:5380/")]
    [InlineData("http://localhost:5380; http://10.1.2.3:9100")]
    [InlineData("http://*:5380")]
    public void Validate_PlainHttpHostAndPort_Accepted(string urls)
    {
        var result = new GatewayHttpOptionsValidator().Validate(null, new GatewayHttpOptions { Urls = urls });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" ; ", "is empty")]
    [InlineData("https://127.0.0.1:5380", "'https://127.0.0.1:5380'")]
    [InlineData("http://127.0.0.1", "'http://127.0.0.1'")]
    [InlineData("http://127.0.0.1:70000", "'http://127.0.0.1:70000'")]
    [InlineData("http://127.0.0.1:5380/metrics", "'http://127.0.0.1:5380/metrics'")]
    [InlineData("http://user:pw@127.0.0.1:5380", "'http://user:pw@127.0.0.1:5380'")]
    [InlineData("127.0.0.1:5380", "'127.0.0.1:5380'")]
    public void Validate_NotPlainHttpHostAndPort_RefusedNamingSettingAndValue(string urls, string named)
    {
        var result = new GatewayHttpOptionsValidator().Validate(null, new GatewayHttpOptions { Urls = urls });

        Assert.True(result.Failed);
        Assert.Contains("Gateway:Http:Urls", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }
}
