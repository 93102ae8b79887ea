using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Outbound;

public class UnsubscribeLinkTests
{
    private static readonly ReplyTokenOptions Options = new()
    {
        CurrentKeyId = "t1",
        Keys = { ["t1"] = TestDatabase.TestTokenKey, ["t0"] = "cm90YXRlZC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0=" },
    };

    [Theory]
    [InlineData(1, ChannelKind.Internal)]
    [InlineData(42, ChannelKind.Broadcast)]
    [InlineData(int.MaxValue, ChannelKind.Vendor)]
    public void Encode_ThenVerify_GivesUserAndKindBack(int userId, ChannelKind kind)
    {
        var token = UnsubscribeLink.Encode(Options, userId, kind);

        Assert.True(UnsubscribeLink.TryVerify(token, Options, out var verifiedUser, out var verifiedKind));
        Assert.Equal(userId, verifiedUser);
        Assert.Equal(kind, verifiedKind);
        Assert.Matches("^t1_[a-z2-7]{24}$", token);
    }

    [Fact]
    public void Verify_UpperCased_StillValid()
    {
        var token = UnsubscribeLink.Encode(Options, 42, ChannelKind.Vendor).ToUpperInvariant();

        Assert.True(UnsubscribeLink.TryVerify(token, Options, out var userId, out _));
        Assert.Equal(42, userId);
    }

    [Fact]
    public void Verify_OlderConfiguredKey_StillValid()
    {
        var key = ReplyTokenOptionsValidator.Decode(Options.Keys["t0"])!;

        Assert.True(UnsubscribeLink.TryVerify(UnsubscribeLink.Encode("t0", key, 5, ChannelKind.Broadcast), Options, out var userId, out _));
        Assert.Equal(5, userId);
    }

    [Fact]
    public void Verify_OtherUsersPayloadWithOriginalMac_IsRefused()
    {
        var token = UnsubscribeLink.Encode(Options, 42, ChannelKind.Vendor);
        var data = Base32.Decode(token[3..])!;
        data[3] ^= 1;

        Assert.False(UnsubscribeLink.TryVerify("t1_" + Base32.Encode(data), Options, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("t1_")]
    [InlineData("nokeyseparator")]
    [InlineData("t9_aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("t1_aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("t1_aaaaaaaaaaaaaaaaaaaaaaa!")]
    public void Verify_Garbage_IsRefused(string? token)
    {
        Assert.False(UnsubscribeLink.TryVerify(token, Options, out var userId, out _));
        Assert.Equal(0, userId);
    }

    [Fact]
    public void Verify_ReplyTokenOfSameKey_IsRefused()
    {
        var replyToken = TokenCodec.Encode("t1", ReplyTokenOptionsValidator.Decode(TestDatabase.TestTokenKey)!, 123456789, 42, 7);

        Assert.False(UnsubscribeLink.TryVerify(replyToken, Options, out _, out _));
    }

    [Fact]
    public void Url_TrailingSlash_JoinsOnce()
    {
        Assert.Equal("https://clp.example/unsubscribe/t1_x", UnsubscribeLink.Url("https://clp.example/", "t1_x"));
    }

    [Theory]
    [InlineData("<digest-77@clp.test>", true, 77)]
    [InlineData("DIGEST-5@CLP.TEST", true, 5)]
    [InlineData("digest-77@other.test", false, 0)]
    [InlineData("digest-x@clp.test", false, 0)]
    [InlineData("m1.u2@clp.test", false, 0)]
    [InlineData(null, false, 0)]
    public void TryParseDigest_MessageId_RecognisesOnlyOurDigests(string? messageId, bool expected, long expectedId)
    {
        Assert.Equal(expected, MailIds.TryParseDigest(messageId, "clp.test", out var id));
        Assert.Equal(expectedId, id);
    }
}
