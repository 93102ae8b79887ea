using ClpMailGateway.Search;

namespace ClpMailGateway.Tests.Search;

public class SearchSnippetTests
{
    [Theory]
    [InlineData("The timeline is late", "timeline", "The [timeline] is late")]
    [InlineData("TIMELINE and timeline", "timeline", "[TIMELINE] and [timeline]")]
    [InlineData("Mon résumé est prêt", "resume", "Mon [résumé] est prêt")]
    [InlineData("Mon re\u0301sume\u0301 est prêt", "résumé", "Mon [re\u0301sume\u0301] est prêt")]
    [InlineData("delivered and delivery, not deli", "deliv*", "[delivered] and [delivery], not deli")]
    [InlineData("the locked cut, a cut locked", "\"locked cut\"", "the [locked cut], a cut locked")]
    [InlineData("第3話の字幕ファイルを納品しました。", "字幕ファイル", "第3話の[字幕ファイル]を納品しました。")]
    [InlineData("第3話の字幕ファイルを納品しました。", "字", "第3話の[字]幕ファイルを納品しました。")]
    [InlineData("ส่งคำบรรยายสำหรับตอนที่ 3 แล้ว", "คำบรรยาย", "ส่ง[คำบรรยาย]สำหรับตอนที่ 3 แล้ว")]
    [InlineData("a <b>timeline</b> here", "timeline", "a <b>[timeline]</b> here")]
    [InlineData("nothing here", "timeline", "nothing here")]
    public void Make_MarksEveryMatch(string text, string query, string expected)
    {
        var snippet = new SearchSnippet(SearchTerms.Parse(query).Items.Select(SearchTokens.QueryPieces)).Make(text);

        Assert.Equal(expected, snippet.Replace(MessageSearch.HighlightStart, '[').Replace(MessageSearch.HighlightEnd, ']'));
    }

    [Fact]
    public void Make_LongText_CutsAWindowAroundTheFirstMatch()
    {
        var text = string.Concat(Enumerable.Repeat("filler words here ", 30)) + "the timeline moved " + string.Concat(Enumerable.Repeat("more words after ", 30));

        var snippet = new SearchSnippet([SearchTokens.QueryPieces(SearchTerms.Parse("timeline").Items[0])]).Make(text);

        Assert.StartsWith("…", snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        Assert.Contains("\u0002timeline\u0003", snippet, StringComparison.Ordinal);
        Assert.InRange(snippet.Length, SearchSnippet.Chars, SearchSnippet.Chars + 4);
    }

    [Fact]
    public void Make_WindowNeverSplitsASurrogatePair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 200)) + " timeline";

        var snippet = new SearchSnippet([SearchTokens.QueryPieces(SearchTerms.Parse("timeline").Items[0])]).Make(text);

        Assert.DoesNotContain(snippet.Select((c, i) => (c, i)), x => char.IsHighSurrogate(x.c) && (x.i + 1 >= snippet.Length || !char.IsLowSurrogate(snippet[x.i + 1])));
        Assert.DoesNotContain(snippet.Select((c, i) => (c, i)), x => char.IsLowSurrogate(x.c) && (x.i == 0 || !char.IsHighSurrogate(snippet[x.i - 1])));
    }
}
