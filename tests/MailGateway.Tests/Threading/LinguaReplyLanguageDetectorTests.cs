using ClpMailGateway.Threading;

namespace ClpMailGateway.Tests.Threading;

public class LinguaReplyLanguageDetectorTests
{
    private static readonly LinguaReplyLanguageDetector Detector = new();

    [Theory]
    [InlineData("Danke für die Information, wir prüfen die Untertitel morgen früh und melden uns.", "de")]
    [InlineData("Merci pour l'information, nous vérifions les sous-titres demain matin.", "fr")]
    public void DetectAmong_ClearText_IsItsLanguage(string text, string expected)
    {
        Assert.Equal(expected, Detector.DetectAmong(text, ["de", "fr"]));
    }

    [Fact]
    public void DetectAmong_OtherScript_IsFound()
    {
        Assert.Equal("ja", Detector.DetectAmong("第3話の字幕ファイルを納品しました。ご確認をお願いいたします。", ["ja", "pt-BR"]));
    }

    [Theory]
    [InlineData("Noted, thanks a lot for the heads-up, we will check it tomorrow.")] // English, not a candidate
    [InlineData("Merci!")] // too short
    [InlineData("OK 👍")]
    [InlineData("")]
    public void DetectAmong_NotClear_IsNull(string text)
    {
        Assert.Null(Detector.DetectAmong(text, ["de", "fr"]));
    }

    [Fact]
    public void DetectAmong_TwoVariantsOfOneLanguage_CannotBeToldApart()
    {
        Assert.Null(Detector.DetectAmong("Obrigado, vamos revisar o roteiro de dublagem amanhã de manhã.", ["pt-BR", "pt-PT"]));
        Assert.Equal("pt-BR", Detector.DetectAmong("Obrigado, vamos revisar o roteiro de dublagem amanhã de manhã.", ["pt-BR", "ja"]));
    }

    [Fact]
    public void DetectAmong_LanguageLinguaDoesNotKnow_IsNull()
    {
        Assert.Null(Detector.DetectAmong("Some words that are long enough to be detected by anyone.", ["tlh", "qya"]));
    }
}
