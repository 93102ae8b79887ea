using MimeKit;
using MimeKit.Tnef;

namespace ClpMailGateway.Parsing;

/// <summary>The message's reply text: <c>text/plain</c> when there is one, else the HTML converted, else the body
/// inside a TNEF <c>winmail.dat</c>; then trimmed by <see cref="ReplyTrimmer"/>. <see cref="FullText"/>, the body with its
/// history, is computed only when asked: for HTML that means converting the whole quoted thread a second time.</summary>
internal sealed record ReplyBody(string Text, Lazy<string> FullText, HashSet<MimeEntity> Parts, HashSet<string>? KeptContentIds)
{
    /// <param name="parts">The message's leaf parts (<see cref="MimeParts.Of"/>).</param>
    /// <param name="notes">Receives a line for what could not be read as declared (a damaged encoding, HTML nested too
    /// deep).</param>
    public static ReplyBody Extract(IReadOnlyList<MimeEntity> parts, ICollection<string> notes, CancellationToken cancellationToken)
    {
        var bodies = new HashSet<MimeEntity>();
        var plain = FirstBody(parts, html: false);
        if (plain is not null)
        {
            bodies.Add(plain);
            if (FirstBody(parts, html: true) is { } alternative)
            {
                bodies.Add(alternative);
            }

            var full = BodyText.Decode(plain, notes);
            return new ReplyBody(ReplyTrimmer.Trim(full), new Lazy<string>(full), bodies, null);
        }

        if (FirstBody(parts, html: true) is { } html)
        {
            bodies.Add(html);
            var source = BodyText.Decode(html, notes);
            var converted = HtmlReplyConverter.Convert(source, cancellationToken);
            if (converted.Flattened)
            {
                notes.Add($"HTML body nested deeper than {HtmlReplyConverter.MaxDepth} elements: read as text below that depth");
            }

            return new ReplyBody(
                ReplyTrimmer.Trim(converted.Text),
                new Lazy<string>(() => HtmlReplyConverter.ConvertWhole(source, cancellationToken).Text),
                bodies,
                converted.KeptContentIds);
        }

        if (parts.OfType<TnefPart>().FirstOrDefault() is { } tnef && TnefBody(tnef, cancellationToken) is { } tnefText)
        {
            return new ReplyBody(ReplyTrimmer.Trim(tnefText), new Lazy<string>(tnefText), bodies, null);
        }

        return new ReplyBody(string.Empty, new Lazy<string>(string.Empty), bodies, null);
    }

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
