using System.Text;
using ClpMailGateway.Parsing;
using static ClpMailGateway.Tests.Parsing.TestMail;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>A declared charset that cannot be right for the bytes (a wide charset without a byte-order mark or NUL
/// bytes, a multi-byte charset the bytes are not valid in) gives way to detection, with a note for the inbound trace; a
/// label that can be right is trusted.</summary>
public sealed class CharsetDetectionTests
{
    static CharsetDetectionTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData("utf-16")]
    [InlineData("UTF-16LE")]
    [InlineData("utf-16be")]
    [InlineData("utf-32")]
    [InlineData("unicode")]
    public void Analyze_AsciiBodyLabelledWide_IsReadAsAsciiWithANote(string label)
    {
        var analysis = Analyze(Reply($"Content-Type: text/plain; charset={label}\n\nThe subtitles are fixed in v2.\n"));
        Assert.Equal("The subtitles are fixed in v2.", analysis.Text);
        Assert.Contains(analysis.Notes, n => n.Contains("cannot be right", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("utf-16", "utf-16", true)]
    [InlineData("utf-16", "utf-16BE", true)]
    [InlineData("utf-16", "utf-16LE", false)]
    [InlineData("utf-16", "utf-16BE", false)]
    [InlineData("utf-16le", "utf-16LE", false)]
    [InlineData("utf-32", "utf-32", true)]
    public void Analyze_RealWideText_IsReadAsLabelled(string label, string encoding, bool bom)
    {
        var text = "Les sous-titres sont prêts — 字幕は完成しました。";
        var wide = Encoding.GetEncoding(encoding);
        var bytes = (bom ? wide.GetPreamble() : []).Concat(wide.GetBytes(text)).ToArray();
        var raw = Concat(Reply($"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: base64\n\n"), Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes) + "\r\n"));
        var analysis = Analyze(raw);
        Assert.Equal(text, analysis.Text);
        Assert.Empty(analysis.Notes);
    }

    [Theory]
    [InlineData("utf-8", "windows-1252", "Le sous-titrage est corrigé, très bien. À lundi, merci beaucoup à toute l'équipe ! Prix : 10 €.")]
    [InlineData("x-unknown", "windows-1251", "Субтитры готовы, проверьте, пожалуйста, последнюю версию до пятницы. Спасибо большое за помощь!")]
    [InlineData("shift_jis", "euc-jp", "字幕の修正が完了しました。ご確認をよろしくお願いいたします。来週の月曜日に最終版をお送りします。")]
    public void Analyze_BodyInAnotherCharsetThanDeclared_IsDetected(string label, string actual, string text)
    {
        var bytes = Encoding.GetEncoding(actual).GetBytes(text);
        var raw = Concat(Reply($"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: base64\n\n"), Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes) + "\r\n"));
        var analysis = Analyze(raw);
        Assert.Equal(text, analysis.Text);
        Assert.Contains(analysis.Notes, n => n.Contains(label, StringComparison.Ordinal) && n.Contains("detected", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("koi8-r", "Субтитры готовы")]
    [InlineData("windows-1250", "Titulky jsou hotové, děkuji")]
    [InlineData("iso-8859-7", "Οι υπότιτλοι είναι έτοιμοι")]
    public void Analyze_SingleByteLabelMatchingTheBytes_IsTrusted(string label, string text)
    {
        var bytes = Encoding.GetEncoding(label).GetBytes(text);
        var raw = Concat(Reply($"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: base64\n\n"), Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes) + "\r\n"));
        var analysis = Analyze(raw);
        Assert.Equal(text, analysis.Text);
        Assert.Empty(analysis.Notes);
    }

    [Theory]
    [InlineData("utf-16", new byte[] { 0x41 })]
    [InlineData("utf-32", new byte[] { 0x41, 0x00, 0x42 })]
    [InlineData("utf-16", new byte[] { 0xFF })]
    [InlineData("utf-8", new byte[] { 0xC3 })]
    [InlineData("bogus\"label", new byte[] { 0xE9, 0x74, 0xE9 })]
    public void Analyze_TinyOrOddBodies_AreReadWithoutException(string label, byte[] bytes)
    {
        var raw = Concat(Reply($"Content-Type: text/plain; charset=\"{label.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\nContent-Transfer-Encoding: base64\n\n"), Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes) + "\r\n"));
        var analysis = Analyze(raw);
        Assert.Equal(ReplyKind.Reply, analysis.Kind);
        Assert.DoesNotContain('\uFFFD', analysis.Text);
    }
}
