using System.Net;
using System.Text;
using HtmlAgilityPack;

namespace ClpMailGateway.Parsing;

/// <summary>HTML reply to plain text: the mail clients' quote containers and signature blocks are dropped first, then
/// the rest becomes text with a line break for every <c>br</c>, paragraph, <c>div</c> and list item.</summary>
internal static class HtmlReplyConverter
{
    /// <summary>Containers whose whole content is quoted history or a signature, from every client of
    /// <see cref="ClientTable"/>.</summary>
    private static readonly HtmlSelector[] QuoteSelectors = [.. ClientTable.All.SelectMany(c => c.QuoteSelectors).Distinct(StringComparer.Ordinal).Select(HtmlSelector.Parse)];

    /// <summary>Markers after which everything is history, from every client of <see cref="ClientTable"/>.</summary>
    private static readonly HtmlSelector[] CutSelectors = [.. ClientTable.All.SelectMany(c => c.CutSelectors).Distinct(StringComparer.Ordinal).Select(HtmlSelector.Parse)];

    private static readonly string[] OutlookBorders = ["border-top:solid#e1e1e1", "border-top:solid#b5c4df"];

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "section", "article", "header", "footer", "dd", "dt",
    };

    /// <summary>Open elements kept when a document is read; the tags nested deeper are dropped, their text kept
    /// (<see cref="HtmlDepthLimiter"/>). Mail clients nest a few levels per quoted message, so a real thread stays far
    /// below it.</summary>
    public const int MaxDepth = 400;

    /// <summary>The text of the person's reply.</summary>
    public static HtmlText Convert(string html, CancellationToken cancellationToken) => Convert(html, dropHistory: true, cancellationToken);

    /// <summary>The whole document as text, quoted history included.</summary>
    public static HtmlText ConvertWhole(string html, CancellationToken cancellationToken) => Convert(html, dropHistory: false, cancellationToken);

    /// <summary>What <see cref="HtmlDepthLimiter"/> leaves of a block element it drops: an element that closes itself
    /// (so it nests nothing) and ends a line as the block would have.</summary>
    internal const string DroppedBlock = "<clp-block/>";

    internal static bool IsBlock(string name) => Blocks.Contains(name);

    /// <summary>One parse, then one walk of the tree that skips what is not the reply and writes the rest. The walk
    /// moves along sibling and parent links, so it needs no stack however deep the tree.</summary>
    private static HtmlText Convert(string html, bool dropHistory, CancellationToken cancellationToken)
    {
        var (document, flattened) = Load(html, cancellationToken);
        var builder = new StringBuilder();
        var skipped = new HashSet<HtmlNode>();
        var root = document.DocumentNode;
        var node = root.FirstChild;
        var preformatted = 0;
        var visited = 0;
        while (node is not null)
        {
            if ((++visited & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var enter = Enter(node, dropHistory, skipped, builder, preformatted > 0);
            if (enter == Step.Stop)
            {
                break;
            }

            if (enter == Step.Descend && node.FirstChild is { } child)
            {
                preformatted += node.Name is "pre" ? 1 : 0;
                node = child;
                continue;
            }

            if (enter == Step.Descend)
            {
                Leave(node, builder);
            }

            // Up to the next sibling, leaving every element whose last child this was.
            while (node is not null && node != root && node.NextSibling is null)
            {
                node = node.ParentNode;
                if (node is not null && node != root)
                {
                    preformatted -= node.Name is "pre" ? 1 : 0;
                    Leave(node, builder);
                }
            }

            node = node is null || node == root ? null : node.NextSibling;
        }

        return new HtmlText(builder.ToString(), flattened);
    }

    /// <summary>The parsed document, its nesting bounded: the outer <see cref="MaxDepth"/> levels as written, or,
    /// should the parser still nest deeper than the limiter foresaw (its rules for unclosed and overlapping elements are
    /// its own), the whole document flattened.</summary>
    private static (HtmlDocument Document, bool Flattened) Load(string html, CancellationToken cancellationToken)
    {
        var limited = HtmlDepthLimiter.Limit(html, MaxDepth, cancellationToken);
        var document = new HtmlDocument { OptionMaxNestedChildNodes = MaxDepth * 2 };
        try
        {
            document.LoadHtml(limited.Html);
            return (document, limited.Flattened);
        }
#pragma warning disable CA1031 // HtmlAgilityPack reports its nesting limit as a plain Exception
        catch (Exception ex) when (ex.GetType() == typeof(Exception))
#pragma warning restore CA1031
        {
            var flat = new HtmlDocument();
            flat.LoadHtml(HtmlDepthLimiter.Limit(html, 0, cancellationToken).Html);
            return (flat, true);
        }
    }

    private enum Step
    {
        Descend,
        Skip,
        Stop,
    }

    /// <summary>What entering a node writes, and whether its children are read: <c>script</c>, <c>style</c>,
    /// <c>head</c> and <c>title</c> never; quote and signature containers not when history is dropped; at the first
    /// marker after which everything is history (<see cref="IsCut"/>) the walk stops.</summary>
    private static Step Enter(HtmlNode node, bool dropHistory, HashSet<HtmlNode> skipped, StringBuilder builder, bool preformatted)
    {
        switch (node.NodeType)
        {
            case HtmlNodeType.Comment:
                return Step.Skip;
            case HtmlNodeType.Text:
                WriteText((HtmlTextNode)node, builder, preformatted);
                return Step.Skip;
            case HtmlNodeType.Element:
                break;
            default:
                return Step.Descend;
        }

        var name = node.Name;
        if (name is "script" or "style" or "head" or "title" || skipped.Contains(node))
        {
            return Step.Skip;
        }

        if (dropHistory)
        {
            if (IsDropped(node))
            {
                // A Thunderbird cite prefix ("On … wrote:") is followed by its blockquote.
                if (node.HasClass("moz-cite-prefix") && NextElement(node) is { Name: "blockquote" } quote)
                {
                    skipped.Add(quote);
                }

                return Step.Skip;
            }

            if (IsCut(node))
            {
                return Step.Stop;
            }
        }

        if (name is "br")
        {
            builder.Append('\n');
            return Step.Skip;
        }

        if (Blocks.Contains(name) || name is "clp-block")
        {
            NewLine(builder);
        }

        if (name is "li")
        {
            builder.Append("- ");
        }

        return Step.Descend;
    }

    private static void Leave(HtmlNode node, StringBuilder builder)
    {
        if (node.NodeType != HtmlNodeType.Element)
        {
            return;
        }

        var name = node.Name;
        if (Blocks.Contains(name))
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

    private static void WriteText(HtmlTextNode node, StringBuilder builder, bool preformatted)
    {
        var text = WebUtility.HtmlDecode(node.Text).Replace('\u00A0', ' ');
        if (!preformatted)
        {
            text = ReplyPatterns.Whitespace().Replace(text, " ");
            if (builder.Length == 0 || builder[^1] == '\n')
            {
                text = text.TrimStart();
            }
        }

        builder.Append(text);
    }

    /// <summary>A quote or signature container of one of <see cref="ClientTable"/>'s clients.</summary>
    private static bool IsDropped(HtmlNode node)
    {
        foreach (var selector in QuoteSelectors)
        {
            if (selector.Matches(node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A marker after which everything is history: one of <see cref="ClientTable"/>'s, or the border Outlook
    /// draws above its header block.</summary>
    private static bool IsCut(HtmlNode node)
    {
        foreach (var selector in CutSelectors)
        {
            if (selector.Matches(node))
            {
                return true;
            }
        }

        return node.Name is "div" && FirstAttribute(node, "style") is { } style && HasOutlookBorder(style);
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

    private static HtmlNode? NextElement(HtmlNode node)
    {
        var next = node.NextSibling;
        while (next is not null && next.NodeType != HtmlNodeType.Element)
        {
            next = next.NextSibling;
        }

        return next;
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
