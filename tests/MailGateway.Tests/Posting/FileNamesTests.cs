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
    public void Sanitize_Name_IsSafe(string? input, string expected) => Assert.Equal(expected, FileNames.Sanitize(input));

    [Fact]
    public void Sanitize_LongName_KeepsExtensionWithinLimit()
    {
        var name = FileNames.Sanitize(new string('a', 400) + ".srt");

        Assert.Equal(PostingLimits.MaxFileNameLength, name.Length);
        Assert.EndsWith(".srt", name, StringComparison.Ordinal);
    }
}
