using System.Net;
using System.Text;
using HtmlAgilityPack;

namespace ClpMailGateway.Parsing;

/// <summary>HTML reply to plain text: the mail clients' quote containers and signature blocks are dropped first, then
/// the rest becomes text with a line break for every <c>br</c>, paragraph, <c>div</c> and list item.</summary>
internal static class HtmlReplyConverter
{
    /// <summary>Class names of containers whose content is quoted history or a signature (Gmail, Yahoo, Thunderbird,
    /// Apple Mail, Proton), on any element; the Gmail ones only on <c>div</c> (and <c>gmail_quote</c> on
    /// <c>blockquote</c>).</summary>
    private static readonly string[] DropClasses =
    [
        "yahoo_quoted", "moz-cite-prefix", "moz-signature", "protonmail_quote", "protonmail_signature_block", "AppleOriginalContents",
    ];

    /// <summary>Ids of containers whose content is quoted history or a signature (Outlook web signature).</summary>
    private static readonly string[] DropIds = ["Signature", "x_Signature"];

    /// <summary>Ids of markers after which everything is history: Outlook's reply header, Outlook for Mac's
    /// <c>OLK_SRC_BODY_SECTION</c>, Outlook web's <c>appendonsend</c>.</summary>
    private static readonly string[] CutIds = ["divRplyFwdMsg", "x_divRplyFwdMsg", "appendonsend", "x_appendonsend", "OLK_SRC_BODY_SECTION"];

    private static readonly string[] OutlookBorders = ["border-top:solid#e1e1e1", "border-top:solid#b5c4df"];

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "section", "article", "header", "footer", "dd", "dt",
    };

    /// <summary>The text of the person's reply, and the <c>cid:</c> references that survive in it.</summary>
    public static (string Text, HashSet<string> KeptContentIds) Convert(string html) => Convert(html, dropHistory: true);

    /// <summary>The whole document as text, quoted history included.</summary>
    public static (string Text, HashSet<string> KeptContentIds) ConvertWhole(string html) => Convert(html, dropHistory: false);

    /// <remarks>One parse, then plain walks of the tree: the XPath queries this replaces cost four times the parse
    /// and most of its allocations (a navigator clone per step, a lower-cased copy per attribute name).</remarks>
    private static (string Text, HashSet<string> KeptContentIds) Convert(string html, bool dropHistory)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        var unwanted = new List<HtmlNode>();
        var dropped = dropHistory ? new List<HtmlNode>() : null;
        Collect(document.DocumentNode, unwanted, dropped);
        foreach (var node in unwanted)
        {
            node.Remove();
        }

        if (dropped is not null)
        {
            DropHistory(document, dropped);
        }

        var contentIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CollectContentIds(document.DocumentNode, contentIds);
        var builder = new StringBuilder();
        Write(document.DocumentNode, builder, preformatted: false);
        return (builder.ToString(), contentIds);
    }

    /// <summary>In document order: <c>script</c>, <c>style</c>, <c>head</c> and <c>title</c> elements (not looked
    /// into), and the quote and signature containers outside them.</summary>
    private static void Collect(HtmlNode parent, List<HtmlNode> unwanted, List<HtmlNode>? dropped)
    {
        var children = parent.ChildNodes;
        for (var i = 0; i < children.Count; i++)
        {
            var node = children[i];
            if (node.NodeType != HtmlNodeType.Element)
            {
                continue;
            }

            if (node.Name is "script" or "style" or "head" or "title")
            {
                unwanted.Add(node);
                continue;
            }

            if (dropped is not null && IsDropped(node))
            {
                dropped.Add(node);
            }

            Collect(node, unwanted, dropped);
        }
    }

    private static void DropHistory(HtmlDocument document, List<HtmlNode> dropped)
    {
        foreach (var node in dropped)
        {
            // A Thunderbird cite prefix ("On … wrote:") is followed by its blockquote.
            if (node.HasClass("moz-cite-prefix") && NextElement(node) is { Name: "blockquote" } quote)
            {
                quote.Remove();
            }

            node.Remove();
        }

        if (FirstCut(document.DocumentNode) is { } cut)
        {
            RemoveFrom(cut);
        }
    }

    /// <summary>A quote or signature container: Gmail (<c>gmail_quote</c>, <c>gmail_extra</c>,
    /// <c>gmail_signature</c>), Apple Mail's and Thunderbird's <c>blockquote type="cite"</c>, Yahoo, Thunderbird,
    /// Proton, Zimbra (<c>data-marker</c>), Outlook web's signature, Apple Mail's original contents.</summary>
    private static bool IsDropped(HtmlNode node)
    {
        var name = node.Name;
        var classes = FirstAttribute(node, "class");
        if (classes is not null)
        {
            if (name is "div" or "blockquote" && HasClassToken(classes, "gmail_quote"))
            {
                return true;
            }

            if (name is "div" && (HasClassToken(classes, "gmail_extra") || HasClassToken(classes, "gmail_signature")))
            {
                return true;
            }

            foreach (var token in DropClasses)
            {
                if (HasClassToken(classes, token))
                {
                    return true;
                }
            }
        }

        if (name is "blockquote" && AnyAttributeEquals(node, "type", "cite"))
        {
            return true;
        }

        if (FirstAttribute(node, "id") is { } id && id.StartsWith("yahoo_quoted", StringComparison.Ordinal))
        {
            return true;
        }

        return AnyAttributeEquals(node, "data-marker", "__QUOTED_TEXT__") || AnyAttributeEquals(node, "data-marker", "__SIG_PRE__")
            || AnyAttributeEquals(node, "id", DropIds);
    }

    /// <summary>The first marker after which everything is history, in document order: Outlook's reply header and
    /// header block borders, Zimbra's rule, Outlook for Mac's and Outlook web's markers, any <c>hr</c>.</summary>
    private static HtmlNode? FirstCut(HtmlNode parent)
    {
        var children = parent.ChildNodes;
        for (var i = 0; i < children.Count; i++)
        {
            var node = children[i];
            if (node.NodeType != HtmlNodeType.Element)
            {
                continue;
            }

            if (IsCut(node))
            {
                return node;
            }

            if (FirstCut(node) is { } cut)
            {
                return cut;
            }
        }

        return null;
    }

    private static bool IsCut(HtmlNode node)
    {
        var name = node.Name;
        if (name is "hr" || AnyAttributeEquals(node, "id", CutIds))
        {
            return true;
        }

        if (FirstAttribute(node, "class") is { } classes && HasClassToken(classes, "OutlookMessageHeader"))
        {
            return true;
        }

        return name is "div" && FirstAttribute(node, "style") is { } style && HasOutlookBorder(style);
    }

    /// <summary>The style, with <c>A-F</c> lower-cased and spaces removed, holds an Outlook header block border.</summary>
    private static bool HasOutlookBorder(string style)
    {
        if (!style.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        var builder = new StringBuilder(style.Length);
        foreach (var c in style)
        {
            if (c != ' ')
            {
                builder.Append(c is >= 'A' and <= 'F' ? (char)(c + ('a' - 'A')) : c);
            }
        }

        var normalized = builder.ToString();
        return OutlookBorders.Any(b => normalized.Contains(b, StringComparison.Ordinal));
    }

    private static bool HasAttribute(HtmlNode node, string name)
    {
        if (!node.HasAttributes)
        {
            return false;
        }

        var attributes = node.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of the first attribute of that (lower-case) name, as XPath's <c>@name</c> reads it inside a
    /// function.</summary>
    private static string? FirstAttribute(HtmlNode node, string name)
    {
        if (!node.HasAttributes)
        {
            return null;
        }

        var attributes = node.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Name == name)
            {
                return attributes[i].Value;
            }
        }

        return null;
    }

    /// <summary>Some attribute of that name has exactly one of the values, as XPath's <c>@name='value'</c>.</summary>
    private static bool AnyAttributeEquals(HtmlNode node, string name, params ReadOnlySpan<string> values)
    {
        if (!node.HasAttributes)
        {
            return false;
        }

        var attributes = node.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Name == name && attributes[i].Value is { } value && values.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The class list holds the token, split on XPath's white space (what
    /// <c>contains(concat(' ', normalize-space(@class), ' '), ' token ')</c> tests).</summary>
    private static bool HasClassToken(string classes, string token)
    {
        var span = classes.AsSpan();
        var from = 0;
        while (from < span.Length)
        {
            var at = span[from..].IndexOf(token, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var start = from + at;
            var end = start + token.Length;
            if ((start == 0 || IsXPathSpace(span[start - 1])) && (end == span.Length || IsXPathSpace(span[end])))
            {
                return true;
            }

            from = start + 1;
        }

        return false;
    }

    private static bool IsXPathSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>The <c>cid:</c> references of the <c>img</c> elements left.</summary>
    private static void CollectContentIds(HtmlNode parent, HashSet<string> contentIds)
    {
        var children = parent.ChildNodes;
        for (var i = 0; i < children.Count; i++)
        {
            var node = children[i];
            if (node.NodeType != HtmlNodeType.Element)
            {
                continue;
            }

            if (node.Name is "img" && HasAttribute(node, "src"))
            {
                var src = node.GetAttributeValue("src", string.Empty);
                if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
                {
                    contentIds.Add(src[4..].Trim('<', '>'));
                }
            }

            CollectContentIds(node, contentIds);
        }
    }

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

        var children = node.ChildNodes;
        for (var i = 0; i < children.Count; i++)
        {
            Write(children[i], builder, preformatted || name is "pre");
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
