namespace ClpMailGateway.Parsing;

/// <summary>
/// Cuts quoted history, quote headers, signatures and mobile footers from a plain-text reply body, in every language
/// of <see cref="LanguageTable"/>. Keeps a top-posted answer, a bottom-posted answer, and the person's own lines of an
/// inline answer (the <c>&gt;</c> lines go). A body that is nothing but quotes is returned as quoted (minus quote
/// headers) rather than emptied.
/// </summary>
public static class ReplyTrimmer
{
    private const int MaxHeaderLines = 4;
    private const int MaxHeaderLength = 320;
    private static readonly string[] FieldKinds = ["sent", "to", "subject", "other", "from"];

    public static string Trim(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var kept = new List<string>();
        var quoted = new List<string>();
        var hasText = false;
        var inCode = false;
        var afterQuote = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (ReplyPatterns.CodeFence().IsMatch(line))
            {
                inCode = !inCode;
                Keep(line);
                continue;
            }

            if (inCode)
            {
                Keep(line);
                continue;
            }

            if (ReplyPatterns.Quoted().IsMatch(line) || IsLazyContinuation(lines, i))
            {
                quoted.Add(line);
                afterQuote = true;
                continue;
            }

            if (line.Trim().Length == 0 && afterQuote && kept.Count > 0 && kept[^1].Trim().Length > 0)
            {
                // The blank line that closed a removed quote: the person's lines join up again.
                continue;
            }

            if (QuoteHeaderEnd(lines, i) is { } headerEnd)
            {
                var next = NextNonEmpty(lines, headerEnd + 1);
                if (next < 0 || ReplyPatterns.Quoted().IsMatch(lines[next]))
                {
                    // The quote follows: drop the header; whatever comes after the quote is an answer.
                    i = headerEnd;
                    afterQuote = true;
                    continue;
                }

                if (hasText)
                {
                    break;
                }

                // Nothing above the header: the answer is below the unquoted history (or this is a forward).
                i = headerEnd;
                continue;
            }

            if (OutlookBlockEnd(lines, i) is { } blockEnd)
            {
                if (hasText)
                {
                    break;
                }

                i = blockEnd;
                continue;
            }

            if (ReplyVocabulary.OriginalMessage.IsMatch(Clean(line)) || ReplyPatterns.Delimiter().IsMatch(line) || IsMobileFooter(line))
            {
                if (hasText)
                {
                    break;
                }

                continue;
            }

            Keep(line);
        }

        if (!hasText)
        {
            // Only quotes: keep them (minus quote headers) rather than answer with nothing.
            kept = quoted.Where(q => QuoteHeaderEnd([q], 0) is null).ToList();
            return kept.Any(q => q.Any(char.IsLetterOrDigit)) ? string.Join('\n', kept).Trim() : string.Empty;
        }

        DropDashSignOff(kept);
        return string.Join('\n', kept).Trim('\n', ' ', '\t');

        void Keep(string line)
        {
            kept.Add(line);
            var isText = line.Trim().Length > 0;
            hasText |= isText;
            afterQuote &= !isText;
        }
    }

    /// <summary>The last line of a quote header starting at <paramref name="start"/>, or null. A header is at most
    /// four non-empty lines (clients wrap long names and addresses), starts with a date or an address, and ends the
    /// way <see cref="IsQuoteHeader"/> says.</summary>
    internal static int? QuoteHeaderEnd(IReadOnlyList<string> lines, int start)
    {
        var first = Clean(lines[start]);
        if (first.Length == 0 || first.Length > MaxHeaderLength
            || !(ReplyPatterns.DateLike().IsMatch(first) || ReplyPatterns.EmailLike().IsMatch(first)))
        {
            return null;
        }

        var joined = first;
        var last = start;
        for (var count = 1; ; count++)
        {
            if (IsQuoteHeader(joined))
            {
                return IsAddresslessQuoteHeader(joined) && !QuoteFollows(lines, last + 1) ? null : last;
            }

            if (count == MaxHeaderLines || ReplyPatterns.SentenceEnd().IsMatch(Clean(lines[last])))
            {
                return null;
            }

            // Clients wrap a long header; some even break it around the address ("Some One\n\n<\nmailto:…").
            var next = last + 1;
            while (next < lines.Count && next <= last + 2 && Clean(lines[next]).Length == 0)
            {
                next++;
            }

            if (next >= lines.Count || Clean(lines[next]).Length == 0
                || (next > last + 1 && !lines[next].TrimStart().StartsWith('<')))
            {
                return null;
            }

            joined += " " + Clean(lines[next]);
            last = next;
            if (joined.Length > MaxHeaderLength)
            {
                return null;
            }
        }
    }

    /// <summary>"On … wrote:" in any language: a date or an address, and a "wrote" verb at the end or before the
    /// final colon; or a date, an address and a final colon (Gmail's <c>2025年2月3日(月) 10:12 Anna &lt;a@b.c&gt;:</c>,
    /// Russian <c>пн, 3 февр. 2025 г. в 10:12, Anna &lt;a@b.c&gt;:</c>); or a date, the verb and a final colon without
    /// an address (<see cref="IsAddresslessQuoteHeader"/>).</summary>
    internal static bool IsQuoteHeader(string text)
    {
        var hasDate = ReplyPatterns.DateLike().IsMatch(text);
        var hasEmail = ReplyPatterns.EmailLike().IsMatch(text);
        var endsWithColon = text.EndsWith(':') || text.EndsWith('：');
        if (ReplyVocabulary.WroteAtEnd.IsMatch(text))
        {
            return endsWithColon ? hasDate || hasEmail : hasDate && hasEmail;
        }

        return (hasEmail && endsWithColon && (hasDate || ReplyVocabulary.WroteInside.IsMatch(text)))
            || ReplyPatterns.NumericDateHeader().IsMatch(text)
            || IsAddresslessQuoteHeader(text);
    }

    /// <summary>Thunderbird's header, which names the author without an address and, in German, Dutch or the
    /// Scandinavian languages, puts the verb before the name: <c>Am 27.11.26 um 10:00 schrieb Anna Smith:</c>,
    /// <c>Op 27-11-2026 om 10:00 schreef Anna Smith:</c>, <c>Den 2026-11-27 kl. 10:00, skrev Anna Smith:</c>. A person may
    /// write such a line too ("Am 27.11. um 10:00 schrieb ich dir:"), so it counts only right above a quote
    /// (<see cref="QuoteHeaderEnd"/>).</summary>
    internal static bool IsAddresslessQuoteHeader(string text) =>
        (text.EndsWith(':') || text.EndsWith('：'))
        && !ReplyPatterns.EmailLike().IsMatch(text)
        && !ReplyVocabulary.WroteAtEnd.IsMatch(text)
        && ReplyPatterns.DateLike().IsMatch(text)
        && ReplyVocabulary.WroteInside.IsMatch(text);

    /// <summary>The next non-empty line from <paramref name="from"/> is quoted, or there is none.</summary>
    private static bool QuoteFollows(IReadOnlyList<string> lines, int from)
    {
        var next = NextNonEmpty(lines, from);
        return next < 0 || ReplyPatterns.Quoted().IsMatch(lines[next]);
    }

    /// <summary>The last line of an Outlook header block (<c>From:</c> then at least two of Sent/Date, To, Cc,
    /// Subject, in any language, wrapped lines included) starting at <paramref name="start"/>, or null.</summary>
    internal static int? OutlookBlockEnd(IReadOnlyList<string> lines, int start)
    {
        var match = ReplyVocabulary.HeaderField.Match(Clean(lines[start], keepLeadingDashes: true));
        if (!match.Success || !match.Groups["from"].Success)
        {
            return null;
        }

        if (ReplyVocabulary.InlineHeaderField.Count(lines[start]) >= 2)
        {
            return start;
        }

        var kinds = new HashSet<string>(StringComparer.Ordinal) { "from" };
        var last = start;
        var continuation = 0;
        for (var j = start + 1; j < lines.Count && j <= start + 12; j++)
        {
            var line = Clean(lines[j], keepLeadingDashes: true);
            if (line.Length == 0)
            {
                break;
            }

            var field = ReplyVocabulary.HeaderField.Match(line);
            if (field.Success)
            {
                kinds.Add(FieldKinds.First(g => field.Groups[g].Success));
                last = j;
                continuation = 0;
            }
            else if (++continuation > 2)
            {
                break;
            }
        }

        if (kinds.Count < 3 || !(kinds.Contains("sent") || kinds.Contains("to")))
        {
            return null;
        }

        // A wrapped last field ("Subject: a long subject\nthat goes on") belongs to the block.
        while (last + 1 < lines.Count && Clean(lines[last + 1]).Length > 0 && last + 1 <= start + 14)
        {
            last++;
        }

        return last;
    }

    /// <summary>A line re-wrapped out of a quote: no <c>&gt;</c>, but between a long quoted line and another quoted
    /// line.</summary>
    private static bool IsLazyContinuation(string[] lines, int i) =>
        i > 0 && i + 1 < lines.Length && lines[i].Trim().Length > 0
        && ReplyPatterns.Quoted().IsMatch(lines[i - 1]) && lines[i - 1].TrimEnd().Length >= 60
        && ReplyPatterns.Quoted().IsMatch(lines[i + 1]);

    internal static bool IsMobileFooter(string line)
    {
        var text = ReplyPatterns.Links().Replace(Clean(line), "$1").Trim();
        if (text.Length == 0 || text.Length > 70)
        {
            return false;
        }

        var words = ReplyPatterns.Whitespace().Split(text).Length;
        return words <= 8 && ReplyVocabulary.IsMobileFooter(text);
    }

    /// <summary>The line without quote marks, bidi marks, decoration dashes or stars, and surrounding blanks.</summary>
    internal static string Clean(string line, bool keepLeadingDashes = false)
    {
        var text = ReplyPatterns.Invisible().Replace(line, string.Empty).Replace('\u00A0', ' ');
        text = text.TrimStart(' ', '\t', '>');
        text = keepLeadingDashes ? text.Trim() : text.Trim(' ', '\t', '-', '*', '_');
        return text;
    }

    private static int NextNonEmpty(IReadOnlyList<string> lines, int from)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static void DropDashSignOff(List<string> kept)
    {
        while (kept.Count > 0 && kept[^1].Trim().Length == 0)
        {
            kept.RemoveAt(kept.Count - 1);
        }

        if (kept.Count >= 3 && ReplyPatterns.DashSignOff().IsMatch(kept[^1].Trim()) && kept[^2].Trim().Length == 0)
        {
            kept.RemoveAt(kept.Count - 1);
        }
    }
}
