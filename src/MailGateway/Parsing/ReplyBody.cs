using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Tnef;

namespace ClpMailGateway.Parsing;

/// <summary>The message's reply text, trimmed by <see cref="ReplyTrimmer"/>: from the HTML when there is one (it is what
/// the person saw), from <c>text/plain</c> when the two say the same (its lines are the person's own), else from the
/// body inside a TNEF <c>winmail.dat</c>. <see cref="FullText"/>, the body with its history, is computed only when asked:
/// for HTML that means converting the whole quoted thread a second time.</summary>
/// <param name="ReferencedContentIds">Every <c>cid:</c> the HTML refers to: those parts are pictures in the text, not
/// files.</param>
internal sealed partial record ReplyBody(string Text, Lazy<string> FullText, HashSet<MimeEntity> Parts, HashSet<string> ReferencedContentIds)
{
    [GeneratedRegex(@"cid:([^\s""'<>)]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContentIdReference();

    /// <param name="parts">The message's leaf parts (<see cref="MimeParts.Of"/>).</param>
    /// <param name="context">The gateway's domain and the sender's name, for <see cref="ReplyTrimmer"/>.</param>
    /// <param name="notes">Receives a line for what could not be read as declared (a charset replaced, a damaged
    /// encoding, HTML nested too deep).</param>
    public static ReplyBody Extract(IReadOnlyList<MimeEntity> parts, ReplyContext context, ICollection<string> notes, CancellationToken cancellationToken)
    {
        var bodies = new HashSet<MimeEntity>();
        var plain = FirstBody(parts, html: false);
        var html = FirstBody(parts, html: true);
        var referenced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (html is not null)
        {
            bodies.Add(html);
            var source = BodyText.Decode(html, notes);
            foreach (Match match in ContentIdReference().Matches(source))
            {
                referenced.Add(Uri.UnescapeDataString(match.Groups[1].Value).Trim('<', '>'));
            }

            var converted = HtmlReplyConverter.Convert(source, cancellationToken);
            if (converted.Flattened)
            {
                notes.Add($"HTML body nested deeper than {HtmlReplyConverter.MaxDepth} elements: read as text below that depth");
            }

            var fromHtml = ReplyTrimmer.Trim(converted.Text, context);
            if (plain is not null)
            {
                bodies.Add(plain);
                var full = BodyText.Decode(plain);
                var fromPlain = ReplyTrimmer.Trim(full, context);
                if (SaySame(fromPlain, fromHtml) || !HtmlIsTheTruth(fromPlain, fromHtml))
                {
                    return new ReplyBody(fromPlain, new Lazy<string>(full), bodies, referenced);
                }

                notes.Add("the text/plain alternative differs from the HTML: read the HTML");
            }

            return new ReplyBody(fromHtml, new Lazy<string>(() => HtmlReplyConverter.ConvertWhole(source, cancellationToken).Text), bodies, referenced);
        }

        if (plain is not null)
        {
            bodies.Add(plain);
            var full = BodyText.Decode(plain, notes);
            return new ReplyBody(ReplyTrimmer.Trim(full, context), new Lazy<string>(full), bodies, referenced);
        }

        if (parts.OfType<TnefPart>().FirstOrDefault() is { } tnef && TnefBody(tnef, cancellationToken) is { } tnefText)
        {
            return new ReplyBody(ReplyTrimmer.Trim(tnefText, context), new Lazy<string>(tnefText), bodies, referenced);
        }

        return new ReplyBody(string.Empty, new Lazy<string>(string.Empty), bodies, referenced);
    }

    /// <summary>The same words in the same order, whatever the line breaks, spacing and punctuation of each rendering.</summary>
    private static bool SaySame(string plain, string html) => Words(plain).SequenceEqual(Words(html));

    /// <summary>When the two differ, the HTML is what the person saw, unless its reading kept more than the plain one's and
    /// starts with all of it: then the HTML's quote went unrecognized, and the plain text has the answer alone.</summary>
    private static bool HtmlIsTheTruth(string plain, string html)
    {
        var plainWords = Words(plain).ToList();
        var htmlWords = Words(html).ToList();
        return !(plainWords.Count > 0 && htmlWords.Count > plainWords.Count && htmlWords.Take(plainWords.Count).SequenceEqual(plainWords));
    }

    private static IEnumerable<string> Words(string text) =>
        ReplyPatterns.WordRun().Matches(text).Select(m => m.Value.ToLowerInvariant());

    /// <summary>The first inline text part of the wanted kind outside attachments and attached messages.</summary>
    private static TextPart? FirstBody(IReadOnlyList<MimeEntity> parts, bool html) =>
        parts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment
            && (html ? p.IsHtml : p.IsPlain)
            && p.FileName is null);

    private static string? TnefBody(TnefPart tnef, CancellationToken cancellationToken)
    {
        try
        {
            var converted = tnef.ConvertToMessage();
            return converted.TextBody is { } text
                ? text
                : converted.HtmlBody is { } html ? HtmlReplyConverter.Convert(html, cancellationToken).Text : null;
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or ArgumentException or TnefException)
        {
            return null;
        }
    }
}
