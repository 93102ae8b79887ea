using System.Security.Cryptography;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Tests.Tokens;

public class Base32Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "my")]
    [InlineData("fo", "mzxq")]
    [InlineData("foo", "mzxw6")]
    [InlineData("foob", "mzxw6yq")]
    [InlineData("fooba", "mzxw6ytb")]
    [InlineData("foobar", "mzxw6ytboi")]
    public void Encode_Rfc4648Vectors_LowerCaseWithoutPadding(string text, string expected) =>
        Assert.Equal(expected, Base32.Encode(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Decode_RandomBytes_RoundTripInAnyCase()
    {
        for (var length = 0; length < 40; length++)
        {
            var bytes = RandomNumberGenerator.GetBytes(length);
            var text = Base32.Encode(bytes);
            Assert.Equal(bytes, Base32.Decode(text));
            Assert.Equal(bytes, Base32.Decode(text.ToUpperInvariant()));
        }
    }

    [Theory]
    [InlineData("mzxw1")]
    [InlineData("mzxw6=")]
    [InlineData("mz")]
    [InlineData("m")]
    public void Decode_NotBase32_ReturnsNull(string text) => Assert.Null(Base32.Decode(text));
}
