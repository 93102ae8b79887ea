using System.Net;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ClpMailGateway.Rendering;

/// <summary>
/// A message's text as safe HTML, for the web's conversation page and the notification mail's HTML part (one renderer,
/// so a message looks the same in both). CommonMark through Markdig with raw HTML off (tags show as text), bare URLs
/// made links, line breaks kept as the author typed them. Only <c>http</c>, <c>https</c> and <c>mailto</c> links are
/// clickable, each with <c>rel="nofollow noopener noreferrer"</c>; any other link (<c>javascript:</c>, <c>data:</c>,
/// relative, obfuscated by entities, case or control characters) is left as its text. An image is never loaded: it
/// becomes a link to its address, labelled with its description, so that opening a message cannot tell a sender it was
/// read (a tracking pixel) and the reader still reaches the picture with one click. A document nested deeper than
/// <see cref="MaximumNestingDepth"/> (thousands of <c>&gt;</c> or list levels) is shown as plain encoded text.
/// </summary>
public static class MessageMarkdown
{
    /// <summary>Block and inline levels beyond what any real message uses; Markdig refuses deeper trees, which keeps
    /// parsing and its recursive rendering far from the stack's end.</summary>
    public const int MaximumNestingDepth = 32;

    public const string LinkRel = "nofollow noopener noreferrer";

    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    private static readonly MarkdownPipeline Pipeline = Build();

    private static MarkdownPipeline Build()
    {
        var builder = new MarkdownPipelineBuilder()
            .DisableHtml()
            .UseAutoLinks()
            .UseSoftlineBreakAsHardlineBreak()
            .UseReferralLinks(LinkRel.Split(' '));
        builder.MaximumNestingDepth = MaximumNestingDepth;
        builder.DocumentProcessed += Neutralize;
        return builder.Build();
    }

    /// <summary>The HTML of <paramref name="text"/>: block elements (<c>p</c>, lists, quotes, code), inline emphasis,
    /// code and safe links only.</summary>
    public static string ToHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TooDeep(text))
        {
            return PlainHtml(text);
        }

        try
        {
            return Markdown.ToHtml(text, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig's nesting limit (an ArgumentOutOfRangeException); the text is still shown, as text.
            return PlainHtml(text);
        }
        catch (InvalidOperationException)
        {
            return PlainHtml(text);
        }
    }

    /// <summary>The text HTML-encoded in one paragraph, line breaks kept: what a message looks like without Markdown.</summary>
    public static string PlainHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "<p>" + WebUtility.HtmlEncode(text).ReplaceLineEndings("<br>\n") + "</p>\n";
    }

    /// <summary>A linear look for what would nest deeper than <see cref="MaximumNestingDepth"/>: a line opening with a
    /// long run of quote, list or indentation characters, or brackets opened that deep. Markdig refuses such a tree
    /// anyway, but only after work that grows with the square of the depth (an indented list of 2,000 levels took
    /// tens of seconds).</summary>
    internal static bool TooDeep(string text)
    {
        var lineStart = true;
        var prefix = 0;
        var brackets = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lineStart = true;
                prefix = 0;
                continue;
            }

            if (lineStart)
            {
                if (c is ' ' or '\t' or '>' or '-' or '*' or '+' or '.' or ')' or (>= '0' and <= '9'))
                {
                    if (++prefix > 4 * MaximumNestingDepth)
                    {
                        return true;
                    }
                }
                else
                {
                    lineStart = false;
                }
            }

            if (c == '[' && ++brackets > MaximumNestingDepth)
            {
                return true;
            }

            if (c == ']' && brackets > 0)
            {
                brackets--;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="url"/> (as Markdig decoded it: entities resolved) may be an href.</summary>
    public static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Any(c => c <= ' ' || char.IsControl(c) || c == '\\'))
        {
            // Browsers drop tabs and line breaks inside a scheme ("jav&#9;ascript:"), and read a backslash as a slash.
            return false;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && AllowedSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase)
            && url.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
            && (uri.Scheme == "mailto" || uri.Host.Length > 0);
    }

    private static void Neutralize(MarkdownDocument document)
    {
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            var url = autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url;
            if (!IsSafeUrl(url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
            else if (autolink.IsEmail)
            {
                // As a plain link, so it carries the same rel as every other (Markdig writes none on e-mail autolinks).
                var link = new LinkInline(url, string.Empty);
                link.AppendChild(new LiteralInline(autolink.Url));
                autolink.ReplaceBy(link);
            }
        }

        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsSafeUrl(link.Url))
            {
                var text = new ContainerInline();
                link.ReplaceBy(text, copyChildren: true);
                if (text.FirstChild is null && link.IsImage)
                {
                    text.AppendChild(new LiteralInline("[image]"));
                }

                continue;
            }

            if (link.IsImage)
            {
                link.IsImage = false;
                if (link.FirstChild is null)
                {
                    link.AppendChild(new LiteralInline(link.Url!));
                }
            }
        }
    }
}
