using System.Net;
using System.Text;
using HtmlAgilityPack;

namespace ClpMailGateway.Parsing;

/// <summary>HTML reply to plain text: the mail clients' quote containers and signature blocks are dropped first, then
/// the rest becomes text with a line break for every <c>br</c>, paragraph, <c>div</c> and list item.</summary>
internal static class HtmlReplyConverter
{
    /// <summary>Containers whose content is quoted history or a signature (Gmail, Yahoo, Thunderbird, Apple Mail,
    /// Zimbra, Proton, Outlook web signature).</summary>
    private const string DropXPath =
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
        + " | //blockquote[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
        + " | //div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_extra ')]"
        + " | //div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_signature ')]"
        + " | //blockquote[@type='cite']"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' yahoo_quoted ')]"
        + " | //*[starts-with(@id, 'yahoo_quoted')]"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' moz-signature ')]"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' protonmail_quote ')]"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' protonmail_signature_block ')]"
        + " | //*[@data-marker='__QUOTED_TEXT__'] | //*[@data-marker='__SIG_PRE__']"
        + " | //*[@id='Signature'] | //*[@id='x_Signature']"
        + " | //*[contains(concat(' ', normalize-space(@class), ' '), ' AppleOriginalContents ')]";

    /// <summary>Markers after which everything is history: Outlook's reply header, Zimbra's rule, Outlook for Mac's
    /// <c>OLK_SRC_BODY_SECTION</c>, Outlook web's <c>appendonsend</c>.</summary>
    private const string CutXPath =
        "//*[@id='divRplyFwdMsg'] | //*[@id='x_divRplyFwdMsg'] | //*[@id='appendonsend'] | //*[@id='x_appendonsend']"
        + " | //hr[@id='zwchr'] | //*[@id='OLK_SRC_BODY_SECTION'] | //*[contains(concat(' ', normalize-space(@class), ' '), ' OutlookMessageHeader ')]"
        + " | //div[contains(translate(@style, 'ABCDEF ', 'abcdef'), 'border-top:solid#e1e1e1')]"
        + " | //div[contains(translate(@style, 'ABCDEF ', 'abcdef'), 'border-top:solid#b5c4df')]"
        + " | //hr";

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "section", "article", "header", "footer", "dd", "dt",
    };

    /// <summary>The text of the person's reply, and the <c>cid:</c> references that survive in it.</summary>
    public static (string Text, HashSet<string> KeptContentIds) Convert(string html) => Convert(html, dropHistory: true);

    /// <summary>The whole document as text, quoted history included.</summary>
    public static (string Text, HashSet<string> KeptContentIds) ConvertWhole(string html) => Convert(html, dropHistory: false);

    private static (string Text, HashSet<string> KeptContentIds) Convert(string html, bool dropHistory)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        foreach (var node in Select(document, "//script | //style | //head | //title"))
        {
            node.Remove();
        }

        if (dropHistory)
        {
            DropHistory(document);
        }

        var contentIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var image in Select(document, "//img[@src]"))
        {
            var src = image.GetAttributeValue("src", string.Empty);
            if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                contentIds.Add(src[4..].Trim('<', '>'));
            }
        }

        var builder = new StringBuilder();
        Write(document.DocumentNode, builder, preformatted: false);
        return (builder.ToString(), contentIds);
    }

    private static void DropHistory(HtmlDocument document)
    {
        foreach (var node in Select(document, DropXPath))
        {
            // A Thunderbird cite prefix ("On … wrote:") is followed by its blockquote.
            if (node.HasClass("moz-cite-prefix") && NextElement(node) is { Name: "blockquote" } quote)
            {
                quote.Remove();
            }

            node.Remove();
        }

        if (Select(document, CutXPath).FirstOrDefault() is { } cut)
        {
            RemoveFrom(cut);
        }
    }

    private static List<HtmlNode> Select(HtmlDocument document, string xpath) =>
        document.DocumentNode.SelectNodes(xpath)?.ToList() ?? [];

    private static HtmlNode? NextElement(HtmlNode node)
    {
        var next = node.NextSibling;
        while (next is not null && next.NodeType != HtmlNodeType.Element)
        {
            next = next.NextSibling;
        }

        return next;
    }

    /// <summary>Removes the node and everything after it in document order.</summary>
    private static void RemoveFrom(HtmlNode node)
    {
        for (var current = node; current.ParentNode is { } parent && current.Name != "body"; current = parent)
        {
            while (current.NextSibling is { } sibling)
            {
                sibling.Remove();
            }
        }

        node.Remove();
    }

    private static void Write(HtmlNode node, StringBuilder builder, bool preformatted)
    {
        switch (node.NodeType)
        {
            case HtmlNodeType.Comment:
                return;
            case HtmlNodeType.Text:
                var text = WebUtility.HtmlDecode(((HtmlTextNode)node).Text).Replace('\u00A0', ' ');
                if (!preformatted)
                {
                    text = ReplyPatterns.Whitespace().Replace(text, " ");
                    if (builder.Length == 0 || builder[^1] == '\n')
                    {
                        text = text.TrimStart();
                    }
                }

                builder.Append(text);
                return;
        }

        var name = node.Name;
        if (name is "br")
        {
            builder.Append('\n');
            return;
        }

        var block = Blocks.Contains(name);
        if (block)
        {
            NewLine(builder);
        }

        if (name is "li")
        {
            builder.Append("- ");
        }

        foreach (var child in node.ChildNodes)
        {
            Write(child, builder, preformatted || name is "pre");
        }

        if (block)
        {
            NewLine(builder);
        }

        if (name is "p")
        {
            builder.Append('\n');
        }
        else if (name is "td" or "th")
        {
            builder.Append(' ');
        }
    }

    private static void NewLine(StringBuilder builder)
    {
        while (builder.Length > 0 && builder[^1] == ' ')
        {
            builder.Length--;
        }

        if (builder.Length > 0 && builder[^1] != '\n')
        {
            builder.Append('\n');
        }
    }
}
