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

    public static TheoryData<UnsubscribeTarget> Targets() =>
    [
        UnsubscribeTarget.ForChannel(1, 17),
        UnsubscribeTarget.ForTitle(42, 3),
        UnsubscribeTarget.ForKind(int.MaxValue, ChannelKind.Vendor),
        UnsubscribeTarget.ForAll(9),
        UnsubscribeTarget.ForDigest(9, [ChannelKind.Broadcast, ChannelKind.Vendor]),
    ];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Encode_ThenVerify_GivesTheTargetBack(UnsubscribeTarget target)
    {
        var token = UnsubscribeTokenCodec.Encode(Options, target);

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token, out var decoded));
        Assert.Equal(target, decoded);
        Assert.StartsWith("k2_", token, StringComparison.Ordinal);
        Assert.Equal(token.ToLowerInvariant(), token);
    }

    [Fact]
    public void DigestKinds_ComeBackAsGiven()
    {
        var target = UnsubscribeTarget.ForDigest(9, [ChannelKind.Internal, ChannelKind.Vendor]);

        Assert.Equal([ChannelKind.Internal, ChannelKind.Vendor], target.DigestKinds());
    }

    [Fact]
    public void Verify_TokenOfTheFirstForm_IsTheWholeKind()
    {
        // A link in a mail sent before scopes existed still does what it said then.
        var token = UnsubscribeTokenCodec.EncodeKindToken("k1", Convert.FromBase64String(Options.Keys["k1"]), 7, ChannelKind.Broadcast);

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token, out var decoded));
        Assert.Equal(UnsubscribeTarget.ForKind(7, ChannelKind.Broadcast), decoded);
    }

    [Fact]
    public void Verify_UpperCasedToken_StillVerifies()
    {
        var token = UnsubscribeTokenCodec.Encode(Options, UnsubscribeTarget.ForChannel(7, 3));

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token.ToUpperInvariant(), out var decoded));
        Assert.Equal(7, decoded.UserId);
    }

    [Fact]
    public void Verify_OtherUsersPayloadWithThisMac_Fails()
    {
        var mine = UnsubscribeTokenCodec.Encode(Options, UnsubscribeTarget.ForChannel(7, 3));
        var theirs = UnsubscribeTokenCodec.Encode(Options, UnsubscribeTarget.ForChannel(8, 3));
        var spliced = theirs[..10] + mine[10..];

        Assert.False(UnsubscribeTokenCodec.TryVerify(Options, spliced, out _));
    }

    [Fact]
    public void Verify_ScopeWidenedWithTheSameMac_Fails()
    {
        // The scope byte is signed: a channel link cannot be turned into an all-mail link.
        var token = UnsubscribeTokenCodec.Encode(Options, UnsubscribeTarget.ForChannel(7, 3));
        var payload = Base32.Decode(token[3..])!;
        payload[4] = (byte)UnsubscribeScope.All;

        Assert.False(UnsubscribeTokenCodec.TryVerify(Options, "k2_" + Base32.Encode(payload), out _));
    }

    [Fact]
    public void Verify_KeyRemoved_Fails()
    {
        var token = UnsubscribeTokenCodec.Encode("k1", Convert.FromBase64String(Options.Keys["k1"]), UnsubscribeTarget.ForChannel(7, 3));
        var rotated = new ReplyTokenOptions { CurrentKeyId = "k2", Keys = { ["k2"] = Options.Keys["k2"] } };

        Assert.True(UnsubscribeTokenCodec.TryVerify(Options, token, out _));
        Assert.False(UnsubscribeTokenCodec.TryVerify(rotated, token, out _));
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
        Assert.False(UnsubscribeTokenCodec.TryVerify(Options, token, out _));
    }

    [Fact]
    public void Url_EscapesTheTokenUnderTheBase()
    {
        Assert.Equal("http://h:1/unsubscribe/k1_abc", UnsubscribeTokenCodec.Url("http://h:1/", "k1_abc"));
    }
}
