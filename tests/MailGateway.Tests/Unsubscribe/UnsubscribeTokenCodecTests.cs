using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using ClpMailGateway.Unsubscribe;

namespace ClpMailGateway.Tests.Unsubscribe;

public class UnsubscribeTokenCodecTests
{
    private static readonly ReplyTokenOptions Options = new()
    {
        CurrentKeyId = "k2",
        Keys = { ["k1"] = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()), ["k2"] = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray()) },
    };

    [Theory]
    [InlineData(1, ChannelKind.Internal)]
    [InlineData(42, ChannelKind.Broadcast)]
    [InlineData(int.MaxValue, ChannelKind.Vendor)]
    public void Encode_ThenVerify_GivesUserAndKindBack(int userId, ChannelKind kind)
    {
        var token = UnsubscribeTokenCodec.Encode(Options, userId, kind);

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token, out var user, out var decodedKind));
        Assert.Equal(userId, user);
        Assert.Equal(kind, decodedKind);
        Assert.StartsWith("k2_", token, StringComparison.Ordinal);
        Assert.Equal(token.ToLowerInvariant(), token);
    }

    [Fact]
    public void Verify_UpperCasedToken_StillVerifies()
    {
        var token = UnsubscribeTokenCodec.Encode(Options, 7, ChannelKind.Vendor);

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token.ToUpperInvariant(), out var user, out _));
        Assert.Equal(7, user);
    }

    [Fact]
    public void Verify_OtherUsersPayloadWithThisMac_Fails()
    {
        var mine = UnsubscribeTokenCodec.Encode(Options, 7, ChannelKind.Vendor);
        var theirs = UnsubscribeTokenCodec.Encode(Options, 8, ChannelKind.Vendor);
        var spliced = theirs[..10] + mine[10..];

        Assert.False(UnsubscribeTokenCodec.TryVerify(Options, spliced, out _, out _));
    }

    [Fact]
    public void Verify_KeyRemoved_Fails()
    {
        var token = UnsubscribeTokenCodec.Encode("k1", Convert.FromBase64String(Options.Keys["k1"]), 7, ChannelKind.Broadcast);
        var rotated = new ReplyTokenOptions { CurrentKeyId = "k2", Keys = { ["k2"] = Options.Keys["k2"] } };

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token, out _, out _));
        Assert.False(UnsubscribeTokenCodec.TryVerify(rotated, token, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("k2_")]
    [InlineData("_abc")]
    [InlineData("k2_!!!!")]
    [InlineData("toolongkeyid_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Verify_Malformed_Fails(string? token)
    {
        Assert.False(UnsubscribeTokenCodec.TryVerify(Options, token, out _, out _));
    }

    [Fact]
    public void Url_EscapesTheTokenUnderTheBase()
    {
        Assert.Equal("http://h:1/unsubscribe/k1_abc", UnsubscribeTokenCodec.Url("http://h:1/", "k1_abc"));
    }
}
