using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Tokens;

public class TokenCodecTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Encode_Token_FitsTheReplyAddressRules()
    {
        var token = TokenCodec.Encode("k1", Key, long.MaxValue, int.MaxValue, int.MaxValue);

        Assert.Matches(new Regex("^[a-z0-9_-]{22,64}$"), token);
        Assert.True(("reply+" + token).Length <= 64);
        Assert.Equal(token.ToLowerInvariant(), token);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    [InlineData(long.MaxValue)]
    [InlineData(1234567890123456789L)]
    public void TryDecode_EncodedToken_GivesBackIdAndAValidMac(long id)
    {
        var token = TokenCodec.Encode("k1", Key, id, 42, 7);

        Assert.True(TokenCodec.TryDecode(token.ToUpperInvariant(), out var keyId, out var decodedId, out var mac));
        Assert.Equal("k1", keyId);
        Assert.Equal(id, decodedId);
        Assert.True(TokenCodec.MacMatches(Key, id, 42, 7, mac));
        Assert.False(TokenCodec.MacMatches(Key, id, 43, 7, mac));
        Assert.False(TokenCodec.MacMatches(Key, id, 42, 8, mac));
        Assert.False(TokenCodec.MacMatches(RandomNumberGenerator.GetBytes(32), id, 42, 7, mac));
    }

    [Fact]
    public void MacMatches_AnyFlippedCharacter_Fails()
    {
        var token = TokenCodec.Encode("k1", Key, 99, 1, 2);
        var alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        for (var i = 3; i < token.Length; i++)
        {
            var changed = alphabet[(alphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % 32];
            var tampered = token[..i] + changed + token[(i + 1)..];
            var decoded = TokenCodec.TryDecode(tampered, out _, out var id, out var mac);
            Assert.False(decoded && TokenCodec.MacMatches(Key, id, 1, 2, mac), $"tampering position {i} went unnoticed");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("k1")]
    [InlineData("_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("toolongkey_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("k1_aaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("k1_aaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    [InlineData("k1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void TryDecode_NotOurShape_ReturnsFalse(string? token) => Assert.False(TokenCodec.TryDecode(token, out _, out _, out _));
}
