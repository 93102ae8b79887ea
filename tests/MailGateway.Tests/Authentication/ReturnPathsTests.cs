using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Authentication;

public class ReturnPathsTests
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test", ReplyLocalPart = "reply" };
    private static readonly ReplyTokenOptions Keys = new()
    {
        CurrentKeyId = "k2",
        Keys = { ["k1"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray()), ["k2"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 13)).ToArray()) },
    };

    [Fact]
    public void Create_EachMailItsOwn_AndVerifies()
    {
        var first = ReturnPaths.Create(Mail, Keys);
        var second = ReturnPaths.Create(Mail, Keys);

        Assert.NotEqual(first, second);
        Assert.StartsWith("reply+bounces-k2", first, StringComparison.Ordinal);
        Assert.EndsWith("@clp.test", first, StringComparison.Ordinal);
        Assert.True(first.IndexOf('@', StringComparison.Ordinal) <= 64, "a local part is at most 64 octets");
        Assert.True(ReturnPaths.TryVerify(Mail, Keys, first.ToUpperInvariant(), out var verified));
        Assert.Equal(first, verified);
        Assert.True(ReturnPaths.TryVerify(Mail, Keys, $"<{first}>", out _));
    }

    [Theory]
    [InlineData("reply@clp.test")]
    [InlineData("reply+bounces-k2abc-def@clp.test")]
    [InlineData("bounces@clp.test")]
    [InlineData("")]
    [InlineData(null)]
    public void TryVerify_NotOurs_IsFalse(string? address) => Assert.False(ReturnPaths.TryVerify(Mail, Keys, address, out _));

    [Fact]
    public void TryVerify_AlteredIdOrOtherDomain_IsFalse()
    {
        var path = ReturnPaths.Create(Mail, Keys);
        var dash = path.LastIndexOf('-');
        var altered = path[..(dash - 1)] + (path[dash - 1] == 'a' ? 'b' : 'a') + path[dash..];

        Assert.False(ReturnPaths.TryVerify(Mail, Keys, altered, out _));
        Assert.False(ReturnPaths.TryVerify(Mail, Keys, path.Replace("@clp.test", "@evil.example", StringComparison.Ordinal), out _));
    }

    [Fact]
    public void TryVerify_KeyRotatedOut_IsFalse()
    {
        var path = ReturnPaths.Create(Mail, Keys);
        var rotated = new ReplyTokenOptions { CurrentKeyId = "k1", Keys = { ["k1"] = Keys.Keys["k1"] } };

        Assert.False(ReturnPaths.TryVerify(Mail, rotated, path, out _));
    }
}
