using ClpMailGateway.Threading;

namespace ClpMailGateway.Tests.Threading;

public class BroadcastRoutingTests
{
    [Fact]
    public void Choose_NoCandidate_IsNowhere()
    {
        var (language, why) = BroadcastRouting.Choose([], _ => throw new InvalidOperationException("not asked"), "fr");

        Assert.Null(language);
        Assert.Contains("none of the vendor's languages", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_OneCandidate_IsItWithoutDetecting()
    {
        var (language, _) = BroadcastRouting.Choose(["ja"], _ => throw new InvalidOperationException("not asked"), "pt-BR");

        Assert.Equal("ja", language);
    }

    [Fact]
    public void Choose_SeveralAndTheLanguageIsClear_IsTheDetectedOneOverThePrimary()
    {
        IReadOnlyList<string>? asked = null;

        var (language, why) = BroadcastRouting.Choose(["de", "fr"], among => { asked = among; return "de"; }, "fr");

        Assert.Equal("de", language);
        Assert.Equal(["de", "fr"], asked);
        Assert.Equal("the reply is written in de", why);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("es")] // a detector answer outside the candidates is not taken
    public void Choose_SeveralAndNotClear_IsThePrimary(string? detected)
    {
        var (language, why) = BroadcastRouting.Choose(["de", "fr"], _ => detected, "fr");

        Assert.Equal("fr", language);
        Assert.Contains("primary language", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("es")] // a primary the user did not enable is not a candidate
    public void Choose_SeveralNotClearAndNoUsablePrimary_IsTheFirstStill(string? primary)
    {
        var (language, _) = BroadcastRouting.Choose(["de", "fr"], _ => null, primary);

        Assert.Equal("de", language);
    }
}
