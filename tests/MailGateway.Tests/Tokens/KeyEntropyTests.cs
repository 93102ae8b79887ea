using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Tokens;

public class KeyEntropyTests
{
    public static TheoryData<string> Weak() =>
    [
        Convert.ToBase64String(new byte[32]), // all zero
        Convert.ToBase64String(Enumerable.Repeat((byte)0xAB, 48).ToArray()),
        Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i % 4)).ToArray()), // 0 1 2 3 repeated
        Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)"password"[i % 8]).ToArray()),
    ];

    [Theory]
    [MemberData(nameof(Weak))]
    public void Validate_LowEntropyKey_StopsTheStart(string key)
    {
        var result = new ReplyTokenOptionsValidator().Validate(null, new ReplyTokenOptions { CurrentKeyId = "k1", Keys = { ["k1"] = key } });

        Assert.True(result.Failed);
        Assert.Contains("ReplyTokens:Keys:k1 is not random", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RandomKey_Passes()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        Assert.True(new ReplyTokenOptionsValidator().Validate(null, new ReplyTokenOptions { CurrentKeyId = "k1", Keys = { ["k1"] = key } }).Succeeded);
    }
}
