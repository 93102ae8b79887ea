using ClpMailGateway.Posting;

namespace ClpMailGateway.Tests.Posting;

public class MentionParserTests
{
    [Theory]
    [InlineData("@anna please look", "h:anna")]
    [InlineData("thanks @Anna.", "h:anna")]
    [InlineData("(@ben) and @chiara, ok?", "h:ben h:chiara")]
    [InlineData("ping @pm.anna@clp.test now", "e:pm.anna@clp.test")]
    [InlineData("ping @PM.Anna@CLP.test.", "e:pm.anna@clp.test")]
    [InlineData("@léa and @山田", "h:léa h:山田")]
    [InlineData("@anna @anna @ANNA", "h:anna")]
    [InlineData("@de_jonas-2: see above", "h:de_jonas-2")]
    [InlineData("line one\n@ben line two", "h:ben")]
    public void Parse_Mentions_AreFound(string text, string expected)
    {
        var tokens = MentionParser.Parse(text).Select(t => (t.IsEmail ? "e:" : "h:") + t.Value);

        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("write to anna@clp.test")]
    [InlineData("see https://example.com/@anna")]
    [InlineData("a lone @ sign")]
    [InlineData("email@@double")]
    public void Parse_NoMention_ReturnsNothing(string? text) => Assert.Empty(MentionParser.Parse(text));
}
