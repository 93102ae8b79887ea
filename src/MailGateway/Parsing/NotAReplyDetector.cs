using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>Mails a person's client sends in a conversation that carry no message for it, even when they reach a reply
/// address: calendar responses, read receipts, Outlook's recall requests, List-Unsubscribe mailtos.</summary>
internal static partial class NotAReplyDetector
{
    private const int MaxRecallBodyLength = 600;

    [GeneratedRegex(@"^METHOD:\s*(?:REPLY|COUNTER)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CalendarReply();

    /// <summary>Why the mail is not a reply, or null.</summary>
    /// <param name="parts">The message's leaf parts (<see cref="MimeParts.Of"/>).</param>
    /// <param name="bodyText">The body's text before trimming (a recall request is a line or two).</param>
    public static string? Reason(MimeMessage message, IReadOnlyList<MimeEntity> parts, string replyLocalPart, string domain, Func<string> bodyText)
    {
        if (parts.Any(p => p.ContentType.IsMimeType("message", "disposition-notification"))
            || (message.Body is MultipartReport report && "disposition-notification".Equals(report.ReportType, StringComparison.OrdinalIgnoreCase)))
        {
            return "read receipt";
        }

        if (parts.OfType<MimePart>().Any(IsCalendarReply))
        {
            return "calendar response";
        }

        var subject = message.Subject ?? string.Empty;
        if (ReplyVocabulary.RecallSubject.IsMatch(subject) && bodyText().Trim().Length <= MaxRecallBodyLength)
        {
            return "recall request";
        }

        // The mailto of List-Unsubscribe: the bare reply address, subject "unsubscribe TOKEN".
        if (subject.TrimStart().StartsWith("unsubscribe ", StringComparison.OrdinalIgnoreCase)
            && message.To.Mailboxes.Any(m => m.Address.Equals($"{replyLocalPart}@{domain}", StringComparison.OrdinalIgnoreCase)))
        {
            return "unsubscribe request";
        }

        return null;
    }

    private static bool IsCalendarReply(MimePart part)
    {
        var type = part.ContentType;
        if (!type.IsMimeType("text", "calendar") && !type.IsMimeType("application", "ics"))
        {
            return false;
        }

        if (type.Parameters.TryGetValue("method", out string? method))
        {
            return method.Trim().Equals("REPLY", StringComparison.OrdinalIgnoreCase) || method.Trim().Equals("COUNTER", StringComparison.OrdinalIgnoreCase);
        }

        if (part.Content is null)
        {
            return false;
        }

        using var content = new MemoryStream();
        part.Content.DecodeTo(content);
        return CalendarReply().IsMatch(Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)Math.Min(content.Length, 64 * 1024)));
    }
}
