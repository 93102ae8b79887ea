using System.Text;

namespace ClpMailGateway.Search;

/// <summary>
/// The snippets of a search's hits: about <see cref="Chars"/> characters of a message around its first match, with every
/// match between <see cref="MessageSearch.HighlightStart"/> and <see cref="MessageSearch.HighlightEnd"/>. The index holds
/// scoped tokens rather than the text, so the matches are found here, by splitting the text as the index did
/// (<see cref="SearchTokens.Pieces"/>) and comparing the pieces with case and diacritics folded, as FTS5 does. Built once
/// per search (the query folded once), then used for each hit without allocating per piece.
/// </summary>
public sealed class SearchSnippet
{
    public const int Chars = 160;

    /// <summary>Folded characters by UTF-16 unit, plus two (0: not worked out yet; 1: dropped, a combining diacritic).</summary>
    private static readonly int[] FoldCache = new int[char.MaxValue + 1];

    private readonly List<(string Text, bool Prefix)[]> _phrases;

    // Reused from hit to hit: a search's snippets are made one after the other.
    private readonly List<SearchTokens.Piece> _pieces = [];
    private bool[] _marks = [];

    public SearchSnippet(IEnumerable<IReadOnlyList<(string Text, bool Prefix)>> phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        _phrases = phrases.Where(p => p.Count > 0)
            .Select(p => p.Select(piece => (Fold(piece.Text), piece.Prefix)).ToArray())
            .ToList();
    }

    public string Make(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var marks = Marks(text);
        var (start, end) = Window(text, marks);
        var result = new StringBuilder(end - start + 16);
        if (start > 0)
        {
            result.Append('…');
        }

        // Runs of marked and unmarked text, appended whole.
        for (var i = start; i < end;)
        {
            var marked = marks[i];
            var next = i + 1;
            while (next < end && marks[next] == marked)
            {
                next++;
            }

            if (marked)
            {
                result.Append(MessageSearch.HighlightStart).Append(text, i, next - i).Append(MessageSearch.HighlightEnd);
            }
            else
            {
                result.Append(text, i, next - i);
            }

            i = next;
        }

        if (end < text.Length)
        {
            result.Append('…');
        }

        return result.ToString();
    }

    /// <summary>For each UTF-16 unit of the text, whether it is part of a match of one of the phrases.</summary>
    private bool[] Marks(string text)
    {
        if (_marks.Length < text.Length)
        {
            _marks = new bool[Math.Max(text.Length, _marks.Length * 2)];
        }

        var marks = _marks;
        Array.Clear(marks, 0, text.Length);
        if (_phrases.Count == 0)
        {
            return marks;
        }

        var pieces = _pieces;
        pieces.Clear();
        SearchTokens.AddPieces(text, query: false, pieces);
        foreach (var wanted in _phrases)
        {
            for (var first = 0; first + wanted.Length <= pieces.Count; first++)
            {
                if (!Matches(text, pieces, first, wanted))
                {
                    continue;
                }

                // A word matched by a prefix is marked whole; a character of a script without spaces matched by a
                // prefix (one character typed, a pair indexed) only as far as typed.
                var last = pieces[first + wanted.Length - 1];
                var end = last.Start + last.Length;
                if (last.Kind != SearchTokens.PieceKind.Word && wanted[^1].Prefix)
                {
                    end = Math.Min(end, last.Start + wanted[^1].Text.Length);
                }

                Array.Fill(marks, true, pieces[first].Start, end - pieces[first].Start);
            }
        }

        return marks;
    }

    private static bool Matches(string text, List<SearchTokens.Piece> pieces, int first, (string Text, bool Prefix)[] wanted)
    {
        for (var k = 0; k < wanted.Length; k++)
        {
            var piece = pieces[first + k];
            if (!FoldedEquals(text.AsSpan(piece.Start, piece.Length), wanted[k].Text, wanted[k].Prefix))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the folded piece equals <paramref name="folded"/> (or starts with it, for a prefix).</summary>
    private static bool FoldedEquals(ReadOnlySpan<char> piece, string folded, bool prefix)
    {
        var j = 0;
        foreach (var c in piece)
        {
            var f = FoldChar(c);
            if (f < 0)
            {
                continue;
            }

            if (j == folded.Length)
            {
                return prefix;
            }

            if (folded[j++] != (char)f)
            {
                return false;
            }
        }

        return j == folded.Length;
    }

    /// <summary>Lower case with the combining diacritics of letters removed (é and e compare equal).</summary>
    internal static string Fold(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (FoldChar(c) is var f and >= 0)
            {
                result.Append((char)f);
            }
        }

        return result.ToString();
    }

    /// <summary>One UTF-16 unit folded: lower case, a precomposed letter to its base letter, -1 for a combining diacritic
    /// (U+0300 to U+036F). Worked out once per character and cached.</summary>
    private static int FoldChar(char c)
    {
        if (c < 0x80)
        {
            return c is >= 'A' and <= 'Z' ? c + 32 : c;
        }

        var cached = FoldCache[c];
        if (cached == 0)
        {
            cached = WorkOut(c) + 2;
            FoldCache[c] = cached;
        }

        return cached - 2;

        static int WorkOut(char c)
        {
            if (c is >= '\u0300' and <= '\u036F')
            {
                return -1;
            }

            if (char.IsSurrogate(c))
            {
                return c;
            }

            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var letter = decomposed.Length > 1 && decomposed.AsSpan(1).IndexOfAnyExceptInRange('\u0300', '\u036F') < 0 ? decomposed[0] : c;
            return char.ToLowerInvariant(letter);
        }
    }
    /// <summary>About <see cref="Chars"/> characters around the first match (the whole text when it is short), never
    /// splitting a surrogate pair.</summary>
    private static (int Start, int End) Window(string text, bool[] marks)
    {
        if (text.Length <= Chars)
        {
            return (0, text.Length);
        }

        var first = Array.IndexOf(marks, true, 0, text.Length);
        var start = Math.Max(0, (first < 0 ? 0 : first) - (Chars / 3));
        var end = Math.Min(text.Length, start + Chars);
        start = Math.Max(0, Math.Min(start, end - Chars));
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }

        return (start, end);
    }
}
