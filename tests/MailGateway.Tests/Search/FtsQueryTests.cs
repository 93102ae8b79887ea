using ClpMailGateway.Search;

namespace ClpMailGateway.Tests.Search;

public class FtsQueryTests
{
    [Theory]
    [InlineData("timeline", "\"timeline\"")]
    [InlineData("Timeline drift", "\"Timeline\" \"drift\"")]
    [InlineData("time*", "\"time\"*")]
    [InlineData("\"locked cut\" template", "\"locked cut\" \"template\"")]
    [InlineData("shot-changes", "\"shot\" \"changes\"")]
    [InlineData("OR AND NOT", "\"OR\" \"AND\" \"NOT\"")]
    [InlineData("text:foo", "\"text\" \"foo\"")]
    [InlineData("((\"unclosed", "\"unclosed\"")]
    [InlineData("résumé", "\"résumé\"")]
    [InlineData("第3話", "\"第3話\"")]
    [InlineData("a\"*\"b", "\"a\" \"b\"")]
    public void Build_UserText_IsQuotedAndSafe(string input, string expected) => Assert.Equal(expected, FtsQuery.Build(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("*")]
    [InlineData("\"\"")]
    [InlineData("!@#$%^&()")]
    public void Build_NothingSearchable_ReturnsNull(string? input) => Assert.Null(FtsQuery.Build(input));

    [Fact]
    public void Build_ManyWords_KeepsAtMostMaxTerms() =>
        Assert.Equal(FtsQuery.MaxTerms, FtsQuery.Build(string.Join(' ', Enumerable.Range(0, 50).Select(i => $"w{i}")))!.Split(' ').Length);
}
