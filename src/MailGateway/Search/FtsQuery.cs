using System.Text;

namespace ClpMailGateway.Search;

/// <summary>
/// Turns what a person typed into a safe SQLite FTS5 MATCH expression. Every word becomes a quoted string, so no
/// input can be read as FTS5 syntax (AND/OR/NEAR, column filters, stray quotes or parentheses). "Quoted text" stays a
/// phrase; a word ending in * is a prefix query. All terms must match.
/// </summary>
public static class FtsQuery
{
    public const int MaxTerms = 16;

    /// <summary>The MATCH expression, or null when the text holds nothing to search for.</summary>
    public static string? Build(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = new List<string>();
        var inPhrase = false;
        foreach (var segment in text.Split('"'))
        {
            if (inPhrase)
            {
                var words = Words(segment, allowPrefix: false).Select(w => w.Word).ToList();
                if (words.Count > 0)
                {
                    parts.Add(Quote(string.Join(' ', words)));
                }
            }
            else
            {
                parts.AddRange(Words(segment, allowPrefix: true).Select(w => Quote(w.Word) + (w.Prefix ? "*" : string.Empty)));
            }

            inPhrase = !inPhrase;
        }

        return parts.Count == 0 ? null : string.Join(' ', parts.Take(MaxTerms));
    }

    private static string Quote(string word) => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Splits on anything that is not a letter, digit or combining mark (the same classes FTS5's unicode61
    /// tokenizer indexes), keeping a trailing * as a prefix marker.</summary>
    private static IEnumerable<(string Word, bool Prefix)> Words(string segment, bool allowPrefix)
    {
        var current = new StringBuilder();
        for (var i = 0; i <= segment.Length; i++)
        {
            var c = i < segment.Length ? segment[i] : ' ';
            if (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
                or System.Globalization.UnicodeCategory.SpacingCombiningMark || char.IsSurrogate(c))
            {
                current.Append(c);
                continue;
            }

            if (current.Length > 0)
            {
                yield return (current.ToString(), allowPrefix && c == '*');
                current.Clear();
            }
        }
    }
}
