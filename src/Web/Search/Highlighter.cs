using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using ClpMailGateway.Search;
using Microsoft.AspNetCore.Components;

namespace ClpMailGateway.Web.Search;

/// <summary>Turns a snippet whose matches sit between <see cref="MessageSearch.HighlightStart"/> and
/// <see cref="MessageSearch.HighlightEnd"/> into markup: the text is encoded first, then the matches are wrapped in
/// &lt;mark&gt;. Nested or unbalanced markers still give balanced markup.</summary>
internal static class Highlighter
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static MarkupString ToHtml(string snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        var html = new StringBuilder(snippet.Length + 32);
        var text = new StringBuilder();
        var depth = 0;
        foreach (var c in snippet)
        {
            if (c is not MessageSearch.HighlightStart and not MessageSearch.HighlightEnd)
            {
                text.Append(c);
                continue;
            }

            html.Append(Encoder.Encode(text.ToString()));
            text.Clear();
            if (c == MessageSearch.HighlightStart && depth++ == 0)
            {
                html.Append("<mark>");
            }
            else if (c == MessageSearch.HighlightEnd && depth > 0 && --depth == 0)
            {
                html.Append("</mark>");
            }
        }

        html.Append(Encoder.Encode(text.ToString()));
        if (depth > 0)
        {
            html.Append("</mark>");
        }

        // Safe as markup: every character of the snippet went through the encoder above; only <mark> and </mark> are added.
        return new MarkupString(html.ToString());
    }
}
