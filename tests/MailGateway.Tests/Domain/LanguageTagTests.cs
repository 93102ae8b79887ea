using ClpMailGateway.Domain;

namespace ClpMailGateway.Tests.Domain;

public class LanguageTagTests
{
    [Theory]
    [InlineData("fr", "fr")]
    [InlineData("FR", "fr")]
    [InlineData("pt-br", "pt-BR")]
    [InlineData("pt_BR", "pt-BR")]
    [InlineData(" zh-hant ", "zh-Hant")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("es-419", "es-419")]
    [InlineData("fil", "fil")]
    public void TryCanonicalize_ValidTag_ReturnsCanonicalCasing(string input, string expected)
    {
        Assert.True(LanguageTag.TryCanonicalize(input, out var tag));
        Assert.Equal(expected, tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("f")]
    [InlineData("french")]
    [InlineData("pt-")]
    [InlineData("pt-BR-x")]
    [InlineData("fr;drop")]
    public void TryCanonicalize_NotATag_ReturnsFalse(string? input) => Assert.False(LanguageTag.TryCanonicalize(input, out _));

    [Fact]
    public void Canonicalize_NotATag_ThrowsWithTheText() =>
        Assert.Contains("'french'", Assert.Throws<ArgumentException>(() => LanguageTag.Canonicalize("french")).Message, StringComparison.Ordinal);
}
