using System.Globalization;
using System.Text;

namespace ClpMailGateway.Search;

/// <summary>
/// The words of the search index, scoped to their channel. Every word of a message is indexed as one token that starts
/// with its channel (<c>c00007timeline</c>), so a search in a channel reads only that channel's postings: a common word
/// in a conversation of 2,000 messages costs what its matches there cost, not what its 400,000 matches in the whole
/// database cost (issue 7). A title or a set of channels is an OR over its channels.
/// <para>Scripts written without spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) have no words to split, so a run of
/// them is indexed as its overlapping pairs of characters plus its last character: any substring of two or more
/// characters is the phrase of its pairs, a single character a prefix.</para>
/// <para>The same splitting runs on both sides: <see cref="Index"/> when a message is stored, and <see cref="QueryPieces"/>
/// on what a person typed; the index of each provider (<c>ISearchIndex</c>) then folds case and diacritics of both
/// alike.</para>
/// </summary>
public static class SearchTokens
{
    /// <summary>Characters of the channel part of a token: <c>c</c> and five base-36 digits (60 million channels).</summary>
    public const int ScopeLength = 6;

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    private const int MaxChannelId = (36 * 36 * 36 * 36 * 36) - 1;

    /// <summary>What splitting found in a text: a word, a pair of characters of a script without spaces, or the last
    /// character of such a run; <see cref="Start"/> and <see cref="Length"/> are in UTF-16 units of the text.</summary>
    public readonly record struct Piece(int Start, int Length, PieceKind Kind);

    public enum PieceKind
    {
        Word,
        Pair,
        RunEnd,
    }

    /// <summary>The channel part of a token.</summary>
    public static string Scope(int channelId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channelId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channelId, MaxChannelId);
        Span<char> scope = stackalloc char[ScopeLength];
        scope[0] = 'c';
        for (var i = ScopeLength - 1; i > 0; i--)
        {
            scope[i] = Digits[channelId % 36];
            channelId /= 36;
        }

        return new string(scope);
    }

    /// <summary>The index text of a message: each piece of <paramref name="text"/> behind its channel, space separated.</summary>
    public static string Index(string? text, int channelId)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var scope = Scope(channelId);
        var result = new StringBuilder(text.Length * 2);
        foreach (var piece in Pieces(text, query: false))
        {
            result.Append(scope).Append(text, piece.Start, piece.Length).Append(' ');
        }

        return result.ToString();
    }

    /// <summary>What a term looks for, piece by piece: words exact (the last a prefix when the term is one), a run of a
    /// script without spaces as its pairs, or, when it is one character, as a prefix (it may begin a pair).</summary>
    public static IReadOnlyList<(string Text, bool Prefix)> QueryPieces(SearchTerms.Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var pieces = Pieces(term.Text, query: true);
        var result = new List<(string, bool)>(pieces.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            var last = i == pieces.Count - 1;
            result.Add((term.Text.Substring(piece.Start, piece.Length), piece.Kind == PieceKind.RunEnd || (last && term.IsPrefix)));
        }

        return result;
    }

    /// <summary>The pieces of a text. For the index (<paramref name="query"/> false) a run of a script without spaces gives its
    /// pairs and then its last character; for a query, only its pairs, or its one character when it has one.</summary>
    public static List<Piece> Pieces(string text, bool query)
    {
        var pieces = new List<Piece>();
        AddPieces(text, query, pieces);
        return pieces;
    }

    /// <summary><see cref="Pieces"/>, added to a list the caller reuses.</summary>
    public static void AddPieces(string text, bool query, List<Piece> pieces)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pieces);
        var i = 0;
        while (i < text.Length)
        {
            var rune = RuneAt(text, i);
            if (!IsTokenRune(rune))
            {
                i += rune.Utf16SequenceLength;
                continue;
            }

            // A word: token runes up to the next separator, split where it turns into or out of a script without spaces.
            var start = i;
            var cjk = IsCjk(rune);
            var hasBase = false;
            while (i < text.Length)
            {
                var next = RuneAt(text, i);
                if (!IsTokenRune(next) || (IsCjk(next) != cjk && !IsMark(next)))
                {
                    break;
                }

                hasBase |= !IsMark(next);
                i += next.Utf16SequenceLength;
            }

            if (!hasBase)
            {
                continue; // combining marks alone: FTS5 drops most of them, which would leave a token of the channel alone
            }

            if (cjk)
            {
                AddRunPieces(text, start, i, query, pieces);
            }
            else
            {
                pieces.Add(new Piece(start, i - start, PieceKind.Word));
            }
        }
    }

    /// <summary>A token character of FTS5's unicode61 with <c>categories 'L* N* Co M*'</c>: letters, numbers, private
    /// use and marks; everything else separates words.</summary>
    public static bool IsTokenRune(Rune rune) => rune.IsAscii ? char.IsAsciiLetterOrDigit((char)rune.Value) : Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        UnicodeCategory.PrivateUse => true,
        var category => IsMarkCategory(category),
    };

    /// <summary>A character of a script written without spaces between words.</summary>
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x0E00 and <= 0x0EFF => true, // Thai, Lao
        >= 0x1000 and <= 0x109F => true, // Myanmar
        >= 0x1780 and <= 0x17FF => true, // Khmer
        >= 0x3040 and <= 0x30FF => true, // hiragana, katakana
        >= 0x31F0 and <= 0x31FF => true, // katakana extensions
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xAC00 and <= 0xD7AF => true, // Hangul syllables
        >= 0xF900 and <= 0xFAFF => true, // compatibility ideographs
        >= 0xFF66 and <= 0xFF9F => true, // half-width katakana
        >= 0x20000 and <= 0x3FFFF => true, // ideograph extensions B and later
        _ => false,
    };

    private static void AddRunPieces(string text, int start, int end, bool query, List<Piece> pieces)
    {
        // Characters of the run, each with the marks that follow it (a Thai vowel sign belongs to its consonant's pair):
        // a pair runs from the start of one character to the end of the next.
        var previous = -1;
        var current = start;
        var characters = 0;
        for (var i = start; i <= end;)
        {
            var boundary = i == end;
            var rune = boundary ? default : RuneAt(text, i);
            if (boundary || (i > start && !IsMark(rune)))
            {
                characters++;
                if (previous >= 0)
                {
                    pieces.Add(new Piece(previous, i - previous, PieceKind.Pair));
                }

                previous = current;
                current = i;
                if (boundary)
                {
                    break;
                }
            }

            i += rune.Utf16SequenceLength;
        }

        if (!query || characters == 1)
        {
            pieces.Add(new Piece(previous, end - previous, PieceKind.RunEnd));
        }
    }

    private static bool IsMark(Rune rune) => !rune.IsAscii && IsMarkCategory(Rune.GetUnicodeCategory(rune));

    private static bool IsMarkCategory(UnicodeCategory category) =>
        category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static Rune RuneAt(string text, int index) =>
        Rune.TryGetRuneAt(text, index, out var rune) ? rune : Rune.ReplacementChar;
}
