using System.Text;
using ClpMailGateway.Search;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Search;

/// <summary>Turns a snippet whose matches sit between <see cref="MessageSearch.HighlightStart"/> and
/// <see cref="MessageSearch.HighlightEnd"/> into markup: the text is encoded first, then the matches are wrapped in
/// &lt;mark&gt;. Nested or unbalanced markers still give balanced markup.</summary>
internal static class Highlighter
{
    public static string ToHtml(string snippet)
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

            html.Append(Html.E(text.ToString()));
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

        html.Append(Html.E(text.ToString()));
        if (depth > 0)
        {
            html.Append("</mark>");
        }

        return html.ToString();
    }

    /// <summary>Marks every occurrence of the words in a plain text (for matches the index did not mark itself).</summary>
    public static string Mark(string text, IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(text);
        var marks = new bool[text.Length];
        foreach (var word in words.Where(w => w.Length > 0))
        {
            for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.OrdinalIgnoreCase))
            {
                Array.Fill(marks, true, at, word.Length);
            }
        }

        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (marks[i] && (i == 0 || !marks[i - 1]))
            {
                result.Append(MessageSearch.HighlightStart);
            }

            result.Append(text[i]);
            if (marks[i] && (i == text.Length - 1 || !marks[i + 1]))
            {
                result.Append(MessageSearch.HighlightEnd);
            }
        }

        return result.ToString();
    }
}
