using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Tokens;

public class ReplyTokenOptionsValidatorTests
{
    private const string GoodKey = "dGVzdC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0tLS0=";

    [Fact]
    public void Validate_GoodKeys_Succeeds() =>
        Assert.True(new ReplyTokenOptionsValidator().Validate(null, new ReplyTokenOptions { CurrentKeyId = "k2", Keys = { ["k1"] = GoodKey, ["k2"] = GoodKey } }).Succeeded);

    [Theory]
    [InlineData("k1", "", "", "ReplyTokens:Keys is empty")]
    [InlineData("k9", "k1", GoodKey, "CurrentKeyId 'k9' is not one of")]
    [InlineData("k1", "k1", "c2hvcnQ=", "at least 32 bytes")]
    [InlineData("k1", "k1", "not base64!", "at least 32 bytes")]
    [InlineData("K_1", "K_1", GoodKey, "1-8 lower-case letters or digits")]
    public void Validate_BadKeys_FailsWithAPreciseMessage(string current, string id, string secret, string expected)
    {
        var options = new ReplyTokenOptions { CurrentKeyId = current };
        if (id.Length > 0)
        {
            options.Keys[id] = secret;
        }

        var result = new ReplyTokenOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
