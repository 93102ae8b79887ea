using System.Globalization;
using System.Text;
using ClpMailGateway.Parsing;
using static ClpMailGateway.Tests.Parsing.TestMail;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Hostile nesting: HTML and MIME nested far past anything a mail client writes is read in bounded stack and
/// time (the text that can be read is kept, and a note says what was flattened), never with a stack overflow. Each
/// analysis runs on a thread with a small stack, so a traversal that recursed per level would fail here.</summary>
public sealed class BoundedUnderstandingTests
{
    [Theory]
    [InlineData(64_000)]
    [InlineData(100_000)]
    public void Analyze_HtmlOfNestedDivs_ReadsTheTextAndNotesTheFlattening(int depth)
    {
        var html = "<html><body><div>Fixed in v2.</div>" + Repeat("<div>", depth) + "deep text" + Repeat("</div>", depth) + "<p>Anna</p></body></html>";
        var analysis = AnalyzeOnSmallStack(Html(html));
        Assert.Equal(ReplyKind.Reply, analysis.Kind);
        Assert.Equal("Fixed in v2.\ndeep text\nAnna", analysis.Text);
        Assert.Contains(analysis.Notes, n => n.Contains("HTML body nested deeper than 400", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_HtmlOfUnclosedDivs_ReadsTheText()
    {
        var analysis = AnalyzeOnSmallStack(Html("<div>Fixed.</div>" + Repeat("<div>x", 64_000)));
        Assert.StartsWith("Fixed.\nx\nx", analysis.Text, StringComparison.Ordinal);
        Assert.Single(analysis.Notes);
    }

    [Theory]
    [InlineData("<table><tr><td>", "</td></tr></table>")]
    [InlineData("<ul><li>", "</li></ul>")]
    [InlineData("<ol><li><p>", "</p></li></ol>")]
    [InlineData("<span><b><i><font color=\"red\">", "</font></i></b></span>")]
    [InlineData("<div class=\"a\" style=\"x:'>'\" title=\"<div>\">", "</div>")]
    public void Analyze_DeeplyNestedStructures_KeepTheTextAboveAndInside(string open, string close)
    {
        var html = "<p>Done.</p>" + Repeat(open, 30_000) + "inner" + Repeat(close, 30_000) + "<p>Anna</p>";
        var analysis = AnalyzeOnSmallStack(Html(html));
        Assert.StartsWith("Done.", analysis.Text, StringComparison.Ordinal);
        Assert.Contains("inner", analysis.Text, StringComparison.Ordinal);
        Assert.EndsWith("Anna", analysis.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_DeepQuotedHistoryBelowTheAnswer_IsStillDropped()
    {
        // A thread quoted thousands of times: the quote container sits near the top, so it is still recognized.
        var html = "<div dir=\"ltr\">Approved.</div><div class=\"gmail_quote\">On Mon, CLP wrote:"
            + Repeat("<blockquote type=\"cite\">older", 20_000) + Repeat("</blockquote>", 20_000) + "</div>";
        var analysis = AnalyzeOnSmallStack(Html(html));
        Assert.Equal("Approved.", analysis.Text);
    }

    [Theory]
    [InlineData("<b><i>x</b></i>")]
    [InlineData("<form><div>x</form>")]
    [InlineData("<p><div>x</p>")]
    [InlineData("<a href=x><div>x</a>")]
    [InlineData("<table><div>x</table>")]
    [InlineData("<div><!-- </div> -->x")]
    [InlineData("<div><script></div></script>x")]
    [InlineData("<div><% </div> %>x")]
    [InlineData("<div x='</div>'>x")]
    [InlineData("<div/><div>x")]
    public void Analyze_MisnestedTagsRepeated_StayBoundedAndKeepTheText(string unit)
    {
        var analysis = AnalyzeOnSmallStack(Html("<p>Start</p>" + Repeat(unit, 40_000) + "<p>End</p>"));
        Assert.StartsWith("Start", analysis.Text, StringComparison.Ordinal);
        Assert.EndsWith("End", analysis.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_HtmlWithinTheLimit_IsReadWithoutANote()
    {
        var analysis = Analyze(Html(Repeat("<div>", 300) + "Fine." + Repeat("</div>", 300)));
        Assert.Equal("Fine.", analysis.Text);
        Assert.Empty(analysis.Notes);
    }

    [Fact]
    public void Analyze_MultipartNested10000Deep_KeepsTheDeepRestAsOneFileWithANote()
    {
        const int depth = 10_000;
        var mail = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
        for (var i = 1; i <= depth; i++)
        {
            mail.Append(CultureInfo.InvariantCulture, $"--b{i - 1}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n");
        }

        mail.Append(CultureInfo.InvariantCulture, $"--b{depth}\nContent-Type: text/plain\n\ndeep text\n");
        for (var i = depth; i >= 0; i--)
        {
            mail.Append(CultureInfo.InvariantCulture, $"--b{i}--\n");
        }

        var analysis = AnalyzeOnSmallStack(Reply(mail.ToString()));
        var kept = Assert.Single(analysis.Attachments);
        Assert.StartsWith("multipart/", kept.ContentType, StringComparison.Ordinal);
        Assert.Contains(analysis.Notes, n => n.Contains("nested deeper than 100 MIME levels", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_MessageInMessage10000Deep_IsOneAttachedMessage()
    {
        const int depth = 10_000;
        var mail = new StringBuilder("Content-Type: multipart/mixed; boundary=\"top\"\n\n--top\nContent-Type: text/plain\n\nSee the forwarded chain.\n--top\nContent-Type: message/rfc822\n\n");
        for (var i = 0; i < depth; i++)
        {
            mail.Append(CultureInfo.InvariantCulture, $"Subject: level {i}\nContent-Type: message/rfc822\n\n");
        }

        mail.Append("Subject: bottom\n\nbottom text\n--top--\n");
        var analysis = AnalyzeOnSmallStack(Reply(mail.ToString()));
        Assert.Equal("See the forwarded chain.", analysis.Text);
        var attached = Assert.Single(analysis.Attachments);
        Assert.Equal("message/rfc822", attached.ContentType);
        Assert.True(attached.SizeBytes > 0);
    }

    [Fact]
    public void Analyze_TenThousandSiblingParts_ListsEveryFile()
    {
        var mail = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nFiles.\n");
        for (var i = 0; i < 10_000; i++)
        {
            mail.Append(CultureInfo.InvariantCulture, $"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"f{i}.bin\"\nContent-Transfer-Encoding: base64\n\nAAEC\n");
        }

        mail.Append("--b--\n");
        var analysis = AnalyzeOnSmallStack(Reply(mail.ToString()));
        Assert.Equal(10_000, analysis.Attachments.Count);
        Assert.All(analysis.Attachments, a => Assert.Equal(3, a.SizeBytes));
    }
}
