using ClpMailGateway.Posting;

namespace ClpMailGateway.Tests.Posting;

public class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\x\\notes.txt", "notes.txt")]
    [InlineData("bad\u0000name\r\n.txt", "bad_name__.txt")]
    [InlineData("  ", "attachment")]
    [InlineData(null, "attachment")]
    [InlineData("..", "attachment")]
    [InlineData("a\"<b>|c.txt", "a__b__c.txt")]
    [InlineData("字幕 第3話.srt", "字幕 第3話.srt")]
    [InlineData("Invoice_2026\u202Efdp.exe", "Invoice_2026fdp.exe")] // right-to-left override: shown as "…exe.pdf"
    [InlineData("report\u200B.pdf\u2066.exe", "report.pdf.exe")] // zero-width space, left-to-right isolate
    [InlineData("a\u061Cb\u200E\u200F\u202A\u202B\u202C\u202D\u2067\u2068\u2069\uFEFF.txt", "ab.txt")]
    [InlineData("invoice.pdf                                        .exe", "invoice.pdf .exe")]
    [InlineData("Cafe\u0301.txt", "Caf\u00E9.txt")] // NFC
    [InlineData("\u202E", "attachment")]
    public void Sanitize_Name_IsSafe(string? input, string expected) => Assert.Equal(expected, FileNames.Sanitize(input));

    [Fact]
    public void Sanitize_LongNameWithAstralCharacters_NeverCutsAPairInHalf()
    {
        var name = FileNames.Sanitize(string.Concat(Enumerable.Repeat("😀", 200)) + ".srt");

        Assert.EndsWith(".srt", name, StringComparison.Ordinal);
        Assert.True(name.Length <= PostingLimits.MaxFileNameLength);
        Assert.DoesNotContain('\uFFFD', name.Normalize());
        Assert.All(name.EnumerateRunes(), r => Assert.NotEqual(System.Text.Rune.ReplacementChar, r));
    }

    [Fact]
    public void Sanitize_LongName_KeepsExtensionWithinLimit()
    {
        var name = FileNames.Sanitize(new string('a', 400) + ".srt");

        Assert.Equal(PostingLimits.MaxFileNameLength, name.Length);
        Assert.EndsWith(".srt", name, StringComparison.Ordinal);
    }
}
