using System.Text;
using ClpMailGateway.Rendering;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.Tests.Rendering;

public class MessageMarkdownTests
{
    /// <summary>Hostile text in every form Markdown gives a link, an image or raw HTML.</summary>
    public static TheoryData<string> Hostile => new()
    {
        "<script>alert(1)</script>",
        "before <script>alert(1)</script> after",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div onclick=\"alert(1)\">block</div>\n\ntext",
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1)  )",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        "[click](jav&#x09;ascript:alert(1))",
        "[click](jav&#10;ascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](javascript&colon;alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "[click](VBScript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](/relative/path)",
        "[click](//evil.example/x)",
        "[click](\\\\evil.example\\share)",
        "[click](https:\\\\evil.example)",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "[click][REF]\n\n[ref]: &#106;avascript:alert(1) \"title\"",
        "[ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<data:text/html,x>",
        "<vbscript:msgbox(1)>",
        "javascript:alert(1)",
        "![x](javascript:alert(1))",
        "![x](https://tracker.example/pixel.gif)",
        "![](https://tracker.example/pixel.gif \"t\")",
        "![x][img]\n\n[img]: https://tracker.example/p.gif",
        "[![x](https://tracker.example/p.gif)](javascript:alert(1))",
        "[a](https://ok.example \"\\\" onmouseover=\\\"alert(1)\")",
        "[a](https://ok.example/\" onmouseover=\"alert(1))",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "    <script>alert(1)</script>",
        "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
        "- [x](javascript:alert(1))\n  - <img src=x onerror=alert(1)>",
        "*<b onmouseover=alert(1)>bold</b>*",
        "<!-- comment --><script>alert(1)</script>",
        "<![CDATA[<script>alert(1)</script>]]>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void ToHtml_HostileInput_RendersNothingActive(string text)
    {
        var html = MessageMarkdown.ToHtml(text);

        Assert.Empty(ActiveContent.Find(html));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToHtml_RawHtml_ShowsTheTagsAsText()
    {
        var html = MessageMarkdown.ToHtml("Use <b>bold</b> and <script>x()</script>");

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[the cut](https://cdn.example/cut?a=1&b=2)", "https://cdn.example/cut?a=1&b=2", "the cut")]
    [InlineData("See https://example.com/spec.", "https://example.com/spec", "https://example.com/spec")]
    [InlineData("<https://example.com/x>", "https://example.com/x", "https://example.com/x")]
    [InlineData("[mail me](mailto:pm@clp.test)", "mailto:pm@clp.test", "mail me")]
    [InlineData("<pm@clp.test>", "mailto:pm@clp.test", "pm@clp.test")]
    [InlineData("[ref]\n\n[ref]: HTTP://EXAMPLE.COM/a", "HTTP://EXAMPLE.COM/a", "ref")]
    [InlineData("[x](http://example.com)", "http://example.com", "x")]
    public void ToHtml_SafeLink_IsClickableWithNoFollowNoOpenerNoReferrer(string text, string href, string label)
    {
        var link = Assert.Single(ActiveContent.Links(MessageMarkdown.ToHtml(text)));

        Assert.Equal(href, link.Href);
        Assert.Equal(label, link.Text);
        Assert.Equal(MessageMarkdown.LinkRel, link.Rel);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))", "click")]
    [InlineData("<javascript:alert(1)>", "javascript:alert(1)")]
    [InlineData("[click](/relative)", "click")]
    [InlineData("![chart](data:image/png;base64,AAAA)", "chart")]
    public void ToHtml_UnsafeLink_KeepsItsTextWithoutLink(string text, string shown)
    {
        var html = MessageMarkdown.ToHtml(text);

        Assert.Empty(ActiveContent.Links(html));
        Assert.Contains(shown, System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_Image_BecomesALinkToItsAddressNotAnImage()
    {
        var html = MessageMarkdown.ToHtml("Look: ![the locked cut](https://cdn.example/cut.png)");

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        var link = Assert.Single(ActiveContent.Links(html));
        Assert.Equal(("https://cdn.example/cut.png", MessageMarkdown.LinkRel, "the locked cut"), link);
    }

    [Fact]
    public void ToHtml_ImageWithoutDescription_IsLabelledWithItsAddress()
    {
        var link = Assert.Single(ActiveContent.Links(MessageMarkdown.ToHtml("![](https://cdn.example/cut.png)")));

        Assert.Equal("https://cdn.example/cut.png", link.Text);
    }

    [Fact]
    public void ToHtml_Markdown_RendersEmphasisListsQuotesAndCode()
    {
        var html = MessageMarkdown.ToHtml("**Locked** cut, *please* check:\n\n- reel 1\n- reel 2\n\n> old note\n\n`tc 01:00:00:00`");

        Assert.Contains("<strong>Locked</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<em>please</em>", html, StringComparison.Ordinal);
        Assert.Contains("<li>reel 1</li>", html, StringComparison.Ordinal);
        Assert.Contains("<blockquote>", html, StringComparison.Ordinal);
        Assert.Contains("<code>tc 01:00:00:00</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_LineBreaks_AreKeptAsTyped()
    {
        Assert.Contains("line one<br />\nline two", MessageMarkdown.ToHtml("line one\nline two"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">", "", 40)]
    [InlineData("- ", "", 40)]
    [InlineData(">", "", 5_000)]
    [InlineData("- ", "", 5_000)]
    [InlineData("1. ", "", 3_000)]
    [InlineData("> - ", "", 3_000)]
    [InlineData("*", "*", 20_000)]
    [InlineData("[", "](https://x.example)", 10_000)]
    [InlineData("**_", "_**", 10_000)]
    public void ToHtml_DeepNesting_ReturnsEncodedTextWithoutOverflowing(string open, string close, int levels)
    {
        var text = string.Concat(Enumerable.Repeat(open, levels)) + "<script>deep</script>" + string.Concat(Enumerable.Repeat(close, levels));

        var html = MessageMarkdown.ToHtml(text);

        Assert.Contains("deep", html, StringComparison.Ordinal);
        Assert.Empty(ActiveContent.Find(html));
    }

    [Fact]
    public void ToHtml_DeepListByIndentation_ReturnsEncodedText()
    {
        var text = new StringBuilder();
        for (var level = 0; level < 2_000; level++)
        {
            text.Append(' ', level * 2).Append("- item ").Append(level).Append('\n');
        }

        var html = MessageMarkdown.ToHtml(text.ToString());

        Assert.Contains("item 1999", html, StringComparison.Ordinal);
        Assert.Empty(ActiveContent.Find(html));
    }

    [Fact]
    public void ToHtml_HugeInput_RendersAllOfIt()
    {
        var paragraph = "Reel 3 at [the spec](https://example.com/spec) needs <b>fixing</b> and javascript:alert(1) too.\n\n";
        var text = string.Concat(Enumerable.Repeat(paragraph, 5_000));

        var html = MessageMarkdown.ToHtml(text);

        Assert.Equal(5_000, ActiveContent.Links(html).Count);
        Assert.Empty(ActiveContent.Find(html));
    }

    [Theory]
    [InlineData("https://example.com", true)]
    [InlineData("mailto:a@b.example", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData("https:/\\evil.example", false)]
    [InlineData("ftp://example.com", false)]
    [InlineData("/x", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsSafeUrl_Scheme_AllowsOnlyHttpHttpsMailto(string? url, bool safe) =>
        Assert.Equal(safe, MessageMarkdown.IsSafeUrl(url));
}
