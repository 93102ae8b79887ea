using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Postgres;
using ClpMailGateway.Storage.Sqlite;
using ClpMailGateway.Search;

namespace ClpMailGateway.Tests.Search;

public class SearchTokensTests
{
    [Theory]
    [InlineData(0, "c00000")]
    [InlineData(7, "c00007")]
    [InlineData(36, "c00010")]
    [InlineData(60_466_175, "czzzzz")]
    public void Scope_ChannelId_IsFixedWidthBase36(int id, string expected) => Assert.Equal(expected, SearchTokens.Scope(id));

    [Theory]
    [InlineData(-1)]
    [InlineData(60_466_176)]
    public void Scope_OutOfRange_Throws(int id) => Assert.Throws<ArgumentOutOfRangeException>(() => SearchTokens.Scope(id));

    [Theory]
    [InlineData("Timeline drift, v2!", "c00007Timeline c00007drift c00007v2 ")]
    [InlineData("shot-changes (résumé)", "c00007shot c00007changes c00007résumé ")]
    [InlineData("x²y Ⅻ", "c00007x²y c00007Ⅻ ")]
    [InlineData("字幕ファイル", "c00007字幕 c00007幕フ c00007ファ c00007ァイ c00007イル c00007ル ")]
    [InlineData("第3話", "c00007第 c000073 c00007話 ")]
    [InlineData("SRT字幕", "c00007SRT c00007字幕 c00007幕 ")]
    [InlineData("ที่นี่", "c00007ที่นี่ c00007นี่ ")]
    [InlineData("उपशीर्षक", "c00007उपशीर्षक ")]
    [InlineData("\u0301 a\u0301", "c00007a\u0301 ")]
    [InlineData("😀 emoji", "c00007emoji ")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Index_Text_GivesScopedPieces(string? text, string expected) => Assert.Equal(expected, SearchTokens.Index(text, 7));

    [Fact]
    public void Index_SurrogatePairIdeograph_IsOneCharacterOfAPair()
    {
        // U+20B9F (an ideograph of extension B) is two UTF-16 units; it pairs as one character.
        Assert.Equal("c00007\U00020B9F字 c00007字 ", SearchTokens.Index("\U00020B9F字", 7));
    }

    [Fact]
    public void Index_LoneSurrogate_SeparatesWords() =>
        Assert.Equal("c00007ab c00007cd ", SearchTokens.Index("ab\uD800cd", 7));

    [Theory]
    [InlineData("timeline", "(\"c00007timeline\")")]
    [InlineData("Timeline drift", "(\"c00007Timeline\" AND \"c00007drift\")")]
    [InlineData("deliv*", "(\"c00007deliv\" *)")]
    [InlineData("\"locked cut\" template", "(\"c00007locked\" + \"c00007cut\" AND \"c00007template\")")]
    [InlineData("shot-changes", "(\"c00007shot\" AND \"c00007changes\")")]
    [InlineData("OR AND NOT", "(\"c00007OR\" AND \"c00007AND\" AND \"c00007NOT\")")]
    [InlineData("text:foo", "(\"c00007text\" AND \"c00007foo\")")]
    [InlineData("((\"unclosed", "(\"c00007unclosed\")")]
    [InlineData("a\"*\"b", "(\"c00007a\" AND \"c00007b\")")]
    [InlineData("字幕ファイル", "(\"c00007字幕\" + \"c00007幕フ\" + \"c00007ファ\" + \"c00007ァイ\" + \"c00007イル\")")]
    [InlineData("字", "(\"c00007字\" *)")]
    [InlineData("第3話", "(\"c00007第\" * + \"c000073\" + \"c00007話\" *)")]
    [InlineData("字幕*", "(\"c00007字幕\" *)")]
    public void Match_UserText_IsScopedQuotedAndSafe(string input, string expected) =>
        Assert.Equal(expected, Match(SearchTerms.Parse(input), [7]));

    [Fact]
    public void Match_SeveralChannels_AnyChannelWithEveryTerm() =>
        Assert.Equal("(\"c00001a\" AND \"c00001b\") OR (\"c00002a\" AND \"c00002b\")", Match(SearchTerms.Parse("a b"), [1, 2]));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("*")]
    [InlineData("\"\"")]
    [InlineData("!@#$%^&()")]
    public void Match_NothingSearchable_IsNull(string? input) => Assert.Null(Match(SearchTerms.Parse(input), [7]));

    [Fact]
    public void Match_NoChannels_IsNull() => Assert.Null(Match(SearchTerms.Parse("timeline"), []));

    [Fact]
    public void Parse_ManyWords_KeepsAtMostMaxTerms() =>
        Assert.Equal(SearchTerms.MaxTerms, SearchTerms.Parse(string.Join(' ', Enumerable.Range(0, 50).Select(i => $"w{i}"))).Items.Count);

    [Theory]
    [InlineData("x²y")]
    [InlineData("उपशीर्षक")]
    [InlineData("ที่นี่")]
    [InlineData("naïve")]
    public void Parse_SplitsWordsWhereTheIndexDoes(string word)
    {
        // One word for the index is one term for a query, so a query finds what was indexed.
        Assert.Single(SearchTerms.Parse(word).Items);
        Assert.Equal(word, SearchTerms.Parse(word).Items[0].Text);
    }

    [Theory]
    [InlineData("timeline", "(('c00007timeline'))")]
    [InlineData("Élan deliv*", "(('c00007elan') & ('c00007deliv':*))")]
    [InlineData("\"new cut\"", "(('c00007new' <-> 'c00007cut'))")]
    [InlineData("it's a\\b", "(('c00007it') & ('c00007s') & ('c00007a') & ('c00007b'))")]
    [InlineData("字幕ファイル", "(('c00007字幕' <-> 'c00007幕フ' <-> 'c00007ファ' <-> 'c00007ァイ' <-> 'c00007イル'))")]
    public void Query_UserText_IsScopedQuotedAndFolded(string input, string expected) =>
        Assert.Equal(expected, PostgresSearchIndex.Query(Phrases(SearchTerms.Parse(input)), [7]));

    [Fact]
    public void Vector_Text_IsFoldedLexemesAtTheirPositions() =>
        Assert.Equal("'c00007cafe':1 'c00007o':2 'c00007neil':3 'c00007cafe':4 ", PostgresSearchIndex.Vector("Café O'Neil CAFE", 7));

    private static List<SearchPhrase> Phrases(SearchTerms terms) =>
        terms.Items.Select(SearchTokens.QueryPieces).Where(p => p.Count > 0).Select(p => new SearchPhrase(p)).ToList();

    private static string? Match(SearchTerms terms, int[] channelIds) => SqliteSearchIndex.Match(Phrases(terms), channelIds);
}
