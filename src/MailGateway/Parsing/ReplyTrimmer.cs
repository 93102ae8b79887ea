using System.Text.RegularExpressions;

namespace ClpMailGateway.Parsing;

/// <summary>
/// Cuts quoted history, quote headers, signatures, client footers and legal disclaimers from a plain-text reply body, in
/// every language of <see cref="LanguageTable"/> and the formats of every client of <see cref="ClientTable"/>. Keeps a
/// top-posted answer, a bottom-posted answer, the person's own lines of an inline answer (the <c>&gt;</c> lines go), a
/// forward the person wrote below their text, and what only looks like quoting: subtitle lines starting with
/// <c>&gt;&gt;</c> in a mail that quotes nothing, <c>diff</c> output, a separator line with text of the person's below
/// it, an attribution-like line with no quote after it. A body that is nothing but quotes is an empty reply.
/// </summary>
public static partial class ReplyTrimmer
{
    private const int MaxHeaderLines = 4;
    private const int MaxHeaderLength = 320;
    private const int LookAhead = 4;
    private const int MaxSignatureLines = 8;
    private const int MaxDisclaimerLines = 40;
    private static readonly string[] FieldKinds = ["sent", "to", "subject", "other", "from"];

    /// <summary>Marks a line that format=flowed space-stuffed: it starts with <c>&gt;</c> but is the person's text, not a
    /// quote (<see cref="BodyText"/> puts it there; it never reaches the result).</summary>
    internal const char StuffedMark = '\u2060';

    [GeneratedRegex(@"^(?:diff --git |@@ -\d|\d+(?:,\d+)?[acd]\d+(?:,\d+)?$)", RegexOptions.CultureInvariant)]
    private static partial Regex DiffStart();

    [GeneratedRegex(@"^(?:[ +\-<>\\]|@@ |---$|\d+(?:,\d+)?[acd]\d+(?:,\d+)?$|diff |index |new file mode|deleted file mode)", RegexOptions.CultureInvariant)]
    private static partial Regex DiffLine();

    /// <summary>A line quoted once (<c>&gt;</c> not followed by another) or with a client's <c>&gt;&gt;&gt;</c>.</summary>
    [GeneratedRegex(@"^[ \t\u00A0]*(?:>(?!>)|>>>)", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedOnceOrThrice();

    [GeneratedRegex(@"^[ \t\u00A0]*>>(?!>)", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedTwice();

    /// <summary>An inline answer Outlook marks with the writer's name: <c>[Anna Smith] Yes, fixed.</c></summary>
    [GeneratedRegex(@"^[ \t]*\[([^\]\r\n]{1,40})\][ \t]*\S", RegexOptions.CultureInvariant)]
    private static partial Regex TaggedLine();

    public static string Trim(string body) => Trim(body, null);

    /// <param name="context">Who wrote the reply and to which gateway: a forward of the gateway's own mail is history,
    /// and Outlook's inline answers are recognized by the writer's name.</param>
    public static string Trim(string body, ReplyContext? context)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var kept = new List<string>();
        var hasText = false;
        var inCode = false;
        var inDiff = false;
        var inForward = false;
        var afterQuote = false;
        // Subtitle lines start with ">>" (a change of speaker); in a mail that quotes nothing else they are text.
        var doubleIsText = !lines.Any(l => QuotedOnceOrThrice().IsMatch(l));
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

            inDiff = inDiff ? DiffLine().IsMatch(line) : DiffStart().IsMatch(line) || IsUnifiedDiffStart(lines, i);
            if (inDiff)
            {
                Keep(line);
                continue;
            }

            if (inForward)
            {
                if (IsReplyHistoryStart(lines, i))
                {
                    break;
                }

                Keep(line);
                continue;
            }

            if (ReplyVocabulary.ClientHistoryLine.IsMatch(line))
            {
                if (hasText)
                {
                    KeepInlineAnswers(lines, i + 1);
                    break;
                }

                continue;
            }

            if ((ReplyPatterns.Quoted().IsMatch(line) && !(doubleIsText && QuotedTwice().IsMatch(line))) || IsLazyContinuation(lines, i))
            {
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

                if (!hasText)
                {
                    // Nothing above the header: the answer is below the unquoted history (or this is a forward).
                    i = headerEnd;
                    continue;
                }

                // A full attribution (a date or an address, and the verb) below the person's text, with the history
                // unquoted under it. A line of theirs that merely mentions who wrote what is not one (IsQuoteHeader).
                break;
            }

            if (OutlookBlockEnd(lines, i) is { } blockEnd)
            {
                if (hasText)
                {
                    KeepInlineAnswers(lines, blockEnd + 1);
                    break;
                }

                i = blockEnd;
                continue;
            }

            var clean = Clean(line);
            if (ReplyVocabulary.ForwardedMessage.IsMatch(clean))
            {
                if (hasText && !ForwardsOwnMail(lines, i + 1, context))
                {
                    // A forward below the person's own text ("see the client's note below") is part of what they sent.
                    inForward = true;
                    Keep(line);
                    continue;
                }

                if (hasText)
                {
                    break;
                }

                continue;
            }

            if (ReplyVocabulary.OriginalMessage.IsMatch(clean) || ReplyVocabulary.OriginalMessage.IsMatch(line) || IsMobileFooter(line))
            {
                if (hasText)
                {
                    KeepInlineAnswers(lines, i + 1);
                    break;
                }

                continue;
            }

            if (ReplyPatterns.Delimiter().IsMatch(line) && (IsHistoryDelimiter(line) || HistoryFollows(lines, i + 1) || SignatureFollows(lines, i + 1)))
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
            // Only quotes: the person wrote nothing.
            return string.Empty;
        }

        DropDisclaimer(kept);
        DropDashSignOff(kept);
        return string.Join('\n', kept.Select(l => l.Replace(StuffedMark.ToString(), string.Empty, StringComparison.Ordinal))).Trim('\n', ' ', '\t');

        void Keep(string line)
        {
            kept.Add(line);
            var isText = line.Trim().Length > 0;
            hasText |= isText;
            afterQuote &= !isText;
        }

        // Outlook's inline answers: the person answered inside the unprefixed history, each answer marked with their name.
        void KeepInlineAnswers(string[] all, int from)
        {
            var tags = NameTags(context?.SenderName);
            if (tags.Count == 0)
            {
                return;
            }

            var answers = all.Skip(from).Select(l => l.TrimEnd())
                .Where(l => TaggedLine().Match(l) is { Success: true } m && tags.Contains(m.Groups[1].Value.Trim()))
                .ToList();
            if (answers.Count > 0)
            {
                while (kept.Count > 0 && kept[^1].Trim().Length == 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                kept.Add(string.Empty);
                kept.AddRange(answers);
            }
        }
    }

    /// <summary>The person's name as Outlook writes it in an inline answer's tag: whole, first name, initials.</summary>
    private static HashSet<string> NameTags(string? name)
    {
        var tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var words = (name ?? string.Empty).Split([' ', ',', '"'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return tags;
        }

        tags.Add(string.Join(' ', words));
        tags.Add(words[0]);
        if (words.Length > 1)
        {
            tags.Add(string.Concat(words.Select(w => char.ToUpperInvariant(w[0]))));
            tags.Add(string.Join(' ', words.Reverse()));
        }

        return tags;
    }

    /// <summary><c>--- a/file</c> then <c>+++ b/file</c>: the start of a unified diff.</summary>
    private static bool IsUnifiedDiffStart(string[] lines, int i) =>
        i + 1 < lines.Length && lines[i].StartsWith("--- ", StringComparison.Ordinal) && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal);

    /// <summary>A separator that always ends the person's text: the <c>-- </c> signature separator, Outlook's
    /// underscore rule, Gmail's <c>ᐧ</c>.</summary>
    private static bool IsHistoryDelimiter(string line)
    {
        var trimmed = line.Trim(' ', '\t', '\u00A0');
        return trimmed is "--" or "ᐧ" || (trimmed.Length >= 5 && trimmed.All(c => c == '_'));
    }

    /// <summary>Within the next few non-empty lines: a quote, a quote header, a header block, a separator or a footer.</summary>
    private static bool HistoryFollows(string[] lines, int from)
    {
        var seen = 0;
        for (var j = from; j < lines.Length && seen < LookAhead; j++)
        {
            if (lines[j].Trim().Length == 0)
            {
                continue;
            }

            seen++;
            var clean = Clean(lines[j]);
            if (ReplyPatterns.Quoted().IsMatch(lines[j]) || QuoteHeaderEnd(lines, j) is not null || OutlookBlockEnd(lines, j) is not null
                || ReplyVocabulary.OriginalMessage.IsMatch(clean) || ReplyVocabulary.OriginalMessage.IsMatch(lines[j]) || ReplyVocabulary.ForwardedMessage.IsMatch(clean)
                || ReplyVocabulary.ClientHistoryLine.IsMatch(lines[j]) || IsMobileFooter(lines[j]) || ReplyPatterns.Delimiter().IsMatch(lines[j]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What follows is short enough to be a signature: a few short lines to the end.</summary>
    private static bool SignatureFollows(string[] lines, int from)
    {
        var rest = lines.Skip(from).Where(l => l.Trim().Length > 0).ToList();
        return rest.Count <= MaxSignatureLines && rest.All(l => l.Trim().Length <= 80);
    }

    /// <summary>Inside a kept forward: the reply's own history starts (a separator of the original message, a client's
    /// history line).</summary>
    private static bool IsReplyHistoryStart(string[] lines, int i) =>
        ReplyVocabulary.OriginalMessage.IsMatch(Clean(lines[i])) || ReplyVocabulary.OriginalMessage.IsMatch(lines[i]) || ReplyVocabulary.ClientHistoryLine.IsMatch(lines[i]);

    /// <summary>The forwarded message is one the gateway sent (its From is at the gateway's domain): history, not news.</summary>
    private static bool ForwardsOwnMail(string[] lines, int from, ReplyContext? context)
    {
        if (context?.OwnDomain is not { Length: > 0 } domain)
        {
            return false;
        }

        for (var j = from; j < lines.Length && j < from + 12; j++)
        {
            var match = ReplyVocabulary.HeaderField.Match(Clean(lines[j], keepLeadingDashes: true));
            if (match.Success && match.Groups["from"].Success)
            {
                return lines[j].Contains("@" + domain, StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>Removes a legal disclaimer from the end: a paragraph that starts with one of the openers and holds one of
    /// the words every disclaimer holds, below some text of the person's, to the end.</summary>
    private static void DropDisclaimer(List<string> kept)
    {
        for (var j = 1; j < kept.Count; j++)
        {
            if (kept[j - 1].Trim().Length != 0 && !IsDisclaimerHeading(kept[j - 1]))
            {
                continue;
            }

            if (!ReplyVocabulary.DisclaimerOpener.IsMatch(Clean(kept[j])) || kept.Count - j > MaxDisclaimerLines)
            {
                continue;
            }

            var block = string.Join(' ', kept.Skip(j).Take(12));
            if (ReplyVocabulary.DisclaimerWord.IsMatch(block) && kept.Take(j).Any(l => l.Trim().Length > 0 && !IsDisclaimerHeading(l)))
            {
                kept.RemoveRange(j, kept.Count - j);
                while (kept.Count > 0 && (kept[^1].Trim().Length == 0 || IsDisclaimerHeading(kept[^1]) || ReplyPatterns.Delimiter().IsMatch(kept[^1])))
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                return;
            }
        }
    }

    private static bool IsDisclaimerHeading(string line) => ReplyPatterns.Delimiter().IsMatch(line);

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
                // A block names each field once (Cc and Bcc apart): a second From, To or Subject is something else.
                var kind = FieldKinds.First(g => field.Groups[g].Success);
                if (!kinds.Add(kind) && kind != "other")
                {
                    break;
                }

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
        if (text.Length == 0 || text.Length > 160)
        {
            return false;
        }

        if (ReplyVocabulary.ClientFooter.IsMatch(text))
        {
            return true;
        }

        var words = ReplyPatterns.Whitespace().Split(text).Length;
        return text.Length <= 70 && words <= 10 && ReplyVocabulary.IsMobileFooter(text);
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
