using System.Text.RegularExpressions;
using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>What a delivery failure report says: RFC 3464 <c>multipart/report; report-type=delivery-status</c>, or
/// the legacy texts of mailer daemons (Postfix, Exim, qmail, Sendmail, Gmail, Exchange) and the prose notices of
/// providers that send no DSN, in every language of <see cref="LanguageTable"/>.</summary>
internal static partial class BounceDetector
{
    [GeneratedRegex(@"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?|mdaemon|nobody)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DaemonLocalPart();

    [GeneratedRegex(@"^(?:Mail Delivery (?:System|Subsystem)|Mail Administrator|MAILER-DAEMON|Postmaster)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DaemonName();

    [GeneratedRegex(@"Undeliver(?:ed|able)|Delivery Status Notification \((?:Failure|Delay)\)|Mail delivery failed|Delivery (?:has )?failed|Delivery Failure|failure notice|Returned mail|Non[- ]?deliver|Nondeliverable|could not be delivered|Unzustellbar|Non remis|No se puede entregar|Não entregue|Mancato recapito|Onbestelbaar|Niedostarczalne", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"I'm afraid I wasn't able to deliver|could not be delivered to one or more|wasn't delivered to|was not delivered to|Delivery to the following recipients? failed|The following address\(es\) failed|permanent(?:ly)? (?:error|fatal)|User unknown|mailbox (?:unavailable|not found|is full)|does not exist|Recipient address rejected|message could not be delivered|delivery has failed|Your message couldn't be delivered|This is the mail system at host|Message not delivered", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BouncePhrase();

    [GeneratedRegex(@"temporar(?:y|ily)|delayed|will (?:be )?retr(?:y|ied)|has not yet been delivered|Delivery Status Notification \(Delay\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TransientPhrase();

    [GeneratedRegex(@"(?<![\d.])([245])\.\d{1,3}\.\d{1,3}(?![\d.])", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCode();

    [GeneratedRegex(@"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Address();

    /// <summary>A VERP return address (<c>list+verp-…@</c>, <c>bounce+…@</c>, <c>bounces-…@</c>).</summary>
    [GeneratedRegex(@"^(?:[^@]*\+verp-[^@]+|bounces?[+-][^@]+)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Verp();

    /// <param name="parts">The message's leaf parts (<see cref="MimeParts.Of"/>).</param>
    public static BounceInfo? Detect(MimeMessage message, IReadOnlyList<MimeEntity> parts, CancellationToken cancellationToken)
    {
        var report = parts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (report is not null)
        {
            return FromReport(message, parts, report, cancellationToken);
        }

        var from = message.From.Mailboxes.FirstOrDefault();
        var fromDaemon = from is not null
            && (DaemonLocalPart().IsMatch(from.LocalPart) || DaemonName().IsMatch(from.Name ?? string.Empty));
        var subject = message.Subject ?? string.Empty;
        var bounceSubject = BounceSubject().IsMatch(subject) || ReplyVocabulary.BounceSubject.IsMatch(subject);
        var verp = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Any(m => Verp().IsMatch(m.Address));
        if (!fromDaemon && !bounceSubject && !verp)
        {
            // No evidence the phrase could complete: an ordinary reply's body (for HTML, a whole conversion) is not read.
            return null;
        }

        var text = NotificationText(parts, cancellationToken);
        var phrase = BouncePhrase().IsMatch(text) || ReplyVocabulary.BouncePhrase.IsMatch(text);
        var isBounce = (fromDaemon && (bounceSubject || phrase))
            || (bounceSubject && phrase)
            || (verp && (fromDaemon || phrase || bounceSubject));
        if (!isBounce)
        {
            return null;
        }

        var code = StatusCode().Match(text);
        var type = code.Success
            ? code.Groups[1].Value == "4" ? BounceType.Transient : BounceType.Permanent
            : TransientPhrase().IsMatch(subject + "\n" + text) && !phrase ? BounceType.Transient : BounceType.Permanent;
        return new BounceInfo(type, FailedAddress(message, text), IsSuccessReport: false);
    }

    private static BounceInfo FromReport(MimeMessage message, IReadOnlyList<MimeEntity> parts, MessageDeliveryStatus report, CancellationToken cancellationToken)
    {
        BounceInfo? best = null;
        var anyFailure = false;
        // The first group holds per-message fields (Reporting-MTA…) and the later ones are per recipient, but some
        // MTAs omit the per-message group: a group is a recipient's when it names one or carries Action/Status.
        var recipientGroups = report.StatusGroups
            .Where(g => g.Contains("Final-Recipient") || g.Contains("Original-Recipient") || g.Contains("Action") || g.Contains("Status"))
            .ToList();
        foreach (var group in recipientGroups)
        {
            var action = group["Action"]?.Trim().ToLowerInvariant() ?? "failed";
            var status = group["Status"]?.Trim() ?? string.Empty;
            // The address the mail was sent to: a forwarding mailbox reports its forward target as the final recipient.
            var recipient = Recipient(group["Original-Recipient"]) ?? Recipient(group["Final-Recipient"]);
            var failed = action is "failed" or "delayed" || status.StartsWith('4') || status.StartsWith('5');
            if (!failed)
            {
                continue;
            }

            anyFailure = true;
            var type = status.StartsWith('5') || (action == "failed" && !status.StartsWith('4')) ? BounceType.Permanent : BounceType.Transient;
            if (best is null || (best.Type == BounceType.Transient && type == BounceType.Permanent))
            {
                best = new BounceInfo(type, recipient, IsSuccessReport: false);
            }
        }

        if (best is not null)
        {
            return best;
        }

        // Only "delivered", "relayed" or "expanded": a success notice, not a failure.
        var hasRecipients = recipientGroups.Count > 0;
        return hasRecipients && !anyFailure
            ? new BounceInfo(null, null, IsSuccessReport: true)
            : new BounceInfo(BounceType.Permanent, FailedAddress(message, NotificationText(parts, cancellationToken)), IsSuccessReport: false);
    }

    private static string? Recipient(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }

        var value = field.Split(';', 2) is [_, var address] ? address : field;
        value = value.Trim().Trim('<', '>').Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>The legacy report's failed address: the first address in the notification text that is neither the
    /// daemon nor the recipient of the report.</summary>
    private static string? FailedAddress(MimeMessage message, string text)
    {
        var ignore = message.From.Mailboxes.Concat(message.To.Mailboxes).Concat(message.Sender is null ? [] : [message.Sender])
            .Select(m => m.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Address().Matches(text).Select(m => m.Value.TrimEnd('.'))
            .FirstOrDefault(a => !ignore.Contains(a) && !DaemonLocalPart().IsMatch(a.Split('@')[0]));
    }

    /// <summary>The human-readable part of the report (the first text part outside the returned message).</summary>
    private static string NotificationText(IReadOnlyList<MimeEntity> parts, CancellationToken cancellationToken)
    {
        foreach (var part in parts)
        {
            if (part is TextPart text && !text.ContentType.IsMimeType("text", "rfc822-headers") && !text.IsAttachment)
            {
                return text.IsHtml ? HtmlReplyConverter.Convert(BodyText.Decode(text), cancellationToken).Text : BodyText.Decode(text);
            }
        }

        return string.Empty;
    }
}
