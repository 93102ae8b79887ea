using System.Globalization;
using System.Text;

namespace ClpMailGateway.Search;

/// <summary>What a person typed, as terms: words (a trailing * makes a prefix) and "quoted phrases". Anything that is not a
/// letter, digit or mark separates words, so no input is ever read as query syntax. Shared by the web and the
/// <c>messages --search</c> command.</summary>
public sealed record SearchTerms(IReadOnlyList<SearchTerms.Term> Items)
{
    public const int MaxQueryLength = 200;
    public const int MaxTerms = 16;

    /// <summary>A prefix needs this many characters before the *: shorter ones would match most of the index.</summary>
    public const int MinPrefixLength = 2;

    public sealed record Term(string Text, bool IsPhrase, bool IsPrefix)
    {
        /// <summary>Holds a script written without spaces between words (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar).</summary>
        public bool HasCjk => Text.Any(IsCjk);
    }

    public bool IsEmpty => Items.Count == 0;

    /// <summary>Some term is in a script without spaces: the query goes to the trigram index.</summary>
    public bool HasCjk => Items.Any(t => t.HasCjk);

    /// <summary>Why this query cannot be run, in words for the person who typed it; null when it can.</summary>
    public string? Problem => Items.FirstOrDefault(t => t.IsPrefix && !t.HasCjk && t.Text.EnumerateRunes().Count() < MinPrefixLength) is { } p
        ? $"A prefix search needs at least {MinPrefixLength} letters before the * (\"{p.Text}*\" would match almost everything)."
        : null;

    public static SearchTerms Parse(string? text)
    {
        var items = new List<Term>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new SearchTerms(items);
        }

        var input = text.Length > MaxQueryLength ? text[..MaxQueryLength] : text;
        var inPhrase = false;
        foreach (var segment in input.Split('"'))
        {
            var words = Words(segment).ToList();
            if (inPhrase && words.Count > 0)
            {
                items.Add(new Term(string.Join(' ', words.Select(w => w.Word)), IsPhrase: words.Count > 1, IsPrefix: false));
            }
            else if (!inPhrase)
            {
                items.AddRange(words.Select(w => new Term(w.Word, IsPhrase: false, w.Prefix)));
            }

            inPhrase = !inPhrase;
        }

        return new SearchTerms(items.Take(MaxTerms).ToList());
    }

    private static IEnumerable<(string Word, bool Prefix)> Words(string segment)
    {
        var current = new StringBuilder();
        for (var i = 0; i <= segment.Length; i++)
        {
            var c = i < segment.Length ? segment[i] : ' ';
            if (IsWordChar(segment, i, c))
            {
                current.Append(c);
                continue;
            }

            if (current.Length > 0)
            {
                yield return (current.ToString(), c == '*');
                current.Clear();
            }
        }
    }

    private static bool IsWordChar(string segment, int index, char c)
    {
        if (char.IsLetterOrDigit(c))
        {
            return true;
        }

        if (char.IsHighSurrogate(c))
        {
            return index + 1 < segment.Length && char.IsLowSurrogate(segment[index + 1]) && char.IsLetterOrDigit(segment, index);
        }

        if (char.IsLowSurrogate(c))
        {
            return index > 0 && char.IsHighSurrogate(segment[index - 1]) && char.IsLetterOrDigit(segment, index - 1);
        }

        return char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    /// <summary>A character of a script written without spaces between words (keep in step with the GLOB class of the
    /// SearchScope migration, which decides which messages the trigram index holds).</summary>
    public static bool IsCjk(char c) =>
        c is (>= '\u0E00' and <= '\u0EFF') // Thai, Lao
            or (>= '\u1000' and <= '\u109F') // Myanmar
            or (>= '\u1780' and <= '\u17FF') // Khmer
            or (>= '\u3040' and <= '\u30FF') // hiragana, katakana
            or (>= '\u3400' and <= '\u4DBF') // CJK extension A
            or (>= '\u4E00' and <= '\u9FFF') // CJK unified ideographs
            or (>= '\uF900' and <= '\uFAFF') // compatibility ideographs
            or (>= '\uAC00' and <= '\uD7AF') // Hangul syllables
            or (>= '\u31F0' and <= '\u31FF') // katakana extensions
            or (>= '\uFF66' and <= '\uFF9F') // half-width katakana
            or (>= '\uD840' and <= '\uD8BF'); // high surrogates of U+20000..U+3FFFF (ideograph extensions B and later)
}
