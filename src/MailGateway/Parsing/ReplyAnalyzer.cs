using System.Text.RegularExpressions;
using ClpMailGateway.Posting;
using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>
/// Classifies a raw inbound mail and extracts the reply's token, new text and attachments. Pure: the inbound pipeline
/// and the <c>inspect</c> command both call it.
/// </summary>
public static partial class ReplyAnalyzer
{
    [GeneratedRegex("^[A-Za-z0-9_-]{22,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();

    /// <param name="replyLocalPart">The local part before <c>+</c> (default <c>reply</c>).</param>
    /// <param name="domain">The gateway's reply domain (e.g. <c>clp.test</c>).</param>
    public static ReplyAnalysis Analyze(MimeMessage message, string replyLocalPart, string domain)
    {
        ArgumentNullException.ThrowIfNull(message);
        var token = FindToken(message, replyLocalPart, domain);
        var (isBounce, bounceType, bounced) = DetectBounce(message);
        if (isBounce)
        {
            return new ReplyAnalysis(ReplyKind.Bounce, token ?? FindBouncedToken(message, replyLocalPart, domain), string.Empty, [], null, bounceType, bounced);
        }

        var attachments = ListAttachments(message);
        var tooLarge = attachments.FirstOrDefault(a => a.SizeBytes > PostingLimits.MaxAttachmentBytes);
        var text = ReplyTrimmer.Trim(message.TextBody ?? string.Empty);
        var kind = IsAutoReply(message) ? ReplyKind.AutoReply : token is null ? ReplyKind.NotAReply : ReplyKind.Reply;
        return new ReplyAnalysis(kind, token, text, attachments, tooLarge is null ? null : "attachment_too_large", null, null);
    }

    public static ReplyAnalysis Analyze(byte[] raw, string replyLocalPart, string domain)
    {
        using var stream = new MemoryStream(raw);
        return Analyze(MimeMessage.Load(stream), replyLocalPart, domain);
    }

    /// <summary>The token of the first recipient header, in order: To, Cc, Delivered-To, X-Original-To, Envelope-To,
    /// then a <c>&lt;reply-TOKEN@domain&gt;</c> entry in References.</summary>
    public static string? FindToken(MimeMessage message, string replyLocalPart, string domain)
    {
        ArgumentNullException.ThrowIfNull(message);
        var prefix = replyLocalPart + "+";
        foreach (var address in message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(HeaderAddresses(message, "Delivered-To", "X-Original-To", "Envelope-To")))
        {
            if (TokenFromAddress(address, prefix, domain) is { } token)
            {
                return token;
            }
        }

        foreach (var reference in message.References)
        {
            var at = reference.LastIndexOf('@');
            if (at > 0 && reference[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase)
                && reference.StartsWith(replyLocalPart + "-", StringComparison.OrdinalIgnoreCase))
            {
                var candidate = reference[(replyLocalPart.Length + 1)..at];
                if (TokenShape().IsMatch(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> HeaderAddresses(MimeMessage message, params string[] names)
    {
        foreach (var header in message.Headers.Where(h => names.Contains(h.Field, StringComparer.OrdinalIgnoreCase)))
        {
            if (InternetAddressList.TryParse(header.Value, out var list))
            {
                foreach (var mailbox in list.Mailboxes)
                {
                    yield return mailbox.Address;
                }
            }
        }
    }

    private static string? TokenFromAddress(string address, string prefix, string domain)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || !address[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase)
            || !address.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var candidate = address[prefix.Length..at];
        return TokenShape().IsMatch(candidate) ? candidate : null;
    }

    private static string? FindBouncedToken(MimeMessage message, string replyLocalPart, string domain)
    {
        foreach (var part in message.BodyParts.OfType<MessagePart>())
        {
            if (part.Message is { } returned)
            {
                foreach (var mailbox in returned.ReplyTo.Mailboxes)
                {
                    if (TokenFromAddress(mailbox.Address, replyLocalPart + "+", domain) is { } token)
                    {
                        return token;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsAutoReply(MimeMessage message)
    {
        var autoSubmitted = message.Headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        return precedence is "bulk" or "junk" or "list" or "auto_reply"
            || message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond");
    }

    private static (bool IsBounce, BounceType? Type, string? Recipient) DetectBounce(MimeMessage message)
    {
        var report = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (report is null)
        {
            return (false, null, null);
        }

        foreach (var group in report.StatusGroups.Skip(1))
        {
            var status = group["Status"]?.Trim();
            var recipient = group["Final-Recipient"] ?? group["Original-Recipient"];
            var address = recipient?.Split(';', 2) is [_, var value] ? value.Trim() : recipient?.Trim();
            var type = status?.StartsWith('4') == true ? BounceType.Transient : BounceType.Permanent;
            return (true, type, address);
        }

        return (true, BounceType.Permanent, null);
    }

    private static List<ExtractedAttachment> ListAttachments(MimeMessage message)
    {
        var list = new List<ExtractedAttachment>();
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            using var counter = new MimeKit.IO.MeasuringStream();
            part.Content?.DecodeTo(counter);
            list.Add(new ExtractedAttachment(part.FileName ?? "attachment", part.ContentType.MimeType, counter.Length, part));
        }

        return list;
    }
}
