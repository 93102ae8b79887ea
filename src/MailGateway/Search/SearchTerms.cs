using System.Text;

namespace ClpMailGateway.Search;

/// <summary>What a person typed, as terms: words (a trailing * makes a prefix) and "quoted phrases". Anything that is not a
/// letter, number, mark or private-use character separates words (as in the index), so no input is ever read as query syntax. Shared by the web and the
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
        public bool HasCjk => Text.EnumerateRunes().Any(SearchTokens.IsCjk);
    }

    public bool IsEmpty => Items.Count == 0;

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

    /// <summary>Runs of the index's token characters (<see cref="SearchTokens.IsTokenRune"/>), so a query splits words
    /// exactly where the index does; a word directly followed by * is a prefix.</summary>
    private static IEnumerable<(string Word, bool Prefix)> Words(string segment)
    {
        var current = new StringBuilder();
        for (var i = 0; i <= segment.Length;)
        {
            var rune = i < segment.Length && Rune.TryGetRuneAt(segment, i, out var r) ? r : new Rune(' ');
            if (i < segment.Length && SearchTokens.IsTokenRune(rune))
            {
                current.Append(segment, i, rune.Utf16SequenceLength);
                i += rune.Utf16SequenceLength;
                continue;
            }

            if (current.Length > 0)
            {
                yield return (current.ToString(), i < segment.Length && segment[i] == '*');
                current.Clear();
            }

            i += i < segment.Length ? rune.Utf16SequenceLength : 1;
        }
    }
}
