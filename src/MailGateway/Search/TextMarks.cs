using System.Text;

namespace ClpMailGateway.Search;

internal static class TextMarks
{
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
