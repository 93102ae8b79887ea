using MimeKit;
using MimeKit.Tnef;

namespace ClpMailGateway.Parsing;

/// <summary>The message's reply text: <c>text/plain</c> when there is one, else the HTML converted, else the body
/// inside a TNEF <c>winmail.dat</c>; then trimmed by <see cref="ReplyTrimmer"/>. <see cref="FullText"/>, the body with its
/// history, is computed only when asked: for HTML that means converting the whole quoted thread a second time.</summary>
internal sealed record ReplyBody(string Text, Lazy<string> FullText, HashSet<MimeEntity> Parts, HashSet<string>? KeptContentIds)
{
    public static ReplyBody Extract(MimeMessage message)
    {
        var parts = new HashSet<MimeEntity>();
        var plain = FirstBody(message, html: false);
        if (plain is not null)
        {
            parts.Add(plain);
            if (FirstBody(message, html: true) is { } alternative)
            {
                parts.Add(alternative);
            }

            var full = BodyText.Decode(plain);
            return new ReplyBody(ReplyTrimmer.Trim(full), new Lazy<string>(full), parts, null);
        }

        if (FirstBody(message, html: true) is { } html)
        {
            parts.Add(html);
            var source = BodyText.Decode(html);
            var (text, contentIds) = HtmlReplyConverter.Convert(source);
            return new ReplyBody(ReplyTrimmer.Trim(text), new Lazy<string>(() => HtmlReplyConverter.ConvertWhole(source).Text), parts, contentIds);
        }

        if (message.BodyParts.OfType<TnefPart>().FirstOrDefault() is { } tnef && TnefBody(tnef) is { } tnefText)
        {
            return new ReplyBody(ReplyTrimmer.Trim(tnefText), new Lazy<string>(tnefText), parts, null);
        }

        return new ReplyBody(string.Empty, new Lazy<string>(string.Empty), parts, null);
    }

    /// <summary>The first inline text part of the wanted kind outside attachments and attached messages.</summary>
    private static TextPart? FirstBody(MimeMessage message, bool html) =>
        message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment
            && (html ? p.IsHtml : p.IsPlain)
            && p.FileName is null);

    private static string? TnefBody(TnefPart tnef)
    {
        try
        {
            var converted = tnef.ConvertToMessage();
            return converted.TextBody is { } text
                ? text
                : converted.HtmlBody is { } html ? HtmlReplyConverter.Convert(html).Text : null;
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or ArgumentException or TnefException)
        {
            return null;
        }
    }
}
