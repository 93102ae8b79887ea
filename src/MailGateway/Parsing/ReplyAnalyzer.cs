using System.Text.RegularExpressions;
using ClpMailGateway.Posting;
using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>
/// Classifies a raw inbound mail and extracts the reply's token, new text and attachments. Pure: the inbound pipeline
/// and the <c>inspect</c> command both call it. Bounces and auto-replies win over the token.
/// </summary>
public static partial class ReplyAnalyzer
{
    /// <summary>The reject reason of a reply that could not be read because it is encrypted.</summary>
    public const string Encrypted = "encrypted";

    [GeneratedRegex("^[A-Za-z0-9_-]{22,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();

    [GeneratedRegex(@"^[ \t]*Reply-To:[ \t]*(.+)$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyToLine();

    /// <summary>Parses raw bytes leniently and analyzes them; never throws for malformed MIME.</summary>
    public static ReplyAnalysis Analyze(byte[] raw, string replyLocalPart, string domain) =>
        Analyze(RawMessage.Load(raw), replyLocalPart, domain, CancellationToken.None);

    /// <inheritdoc cref="Analyze(MimeMessage, string, string, CancellationToken)"/>
    public static ReplyAnalysis Analyze(MimeMessage message, string replyLocalPart, string domain) =>
        Analyze(message, replyLocalPart, domain, CancellationToken.None);

    /// <param name="replyLocalPart">The local part before <c>+</c> (default <c>reply</c>).</param>
    /// <param name="domain">The gateway's reply domain (e.g. <c>clp.test</c>).</param>
    /// <param name="cancellationToken">Checked inside the long loops (MIME parts, HTML tags and nodes), so a caller
    /// holding a time budget can stop an analysis that overruns it.</param>
    public static ReplyAnalysis Analyze(MimeMessage message, string replyLocalPart, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(replyLocalPart);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        message = SecureMime.Unwrapped(message);
        var parts = MimeParts.Of(message, cancellationToken);
        var token = FindToken(message, replyLocalPart, domain);
        var bounce = BounceDetector.Detect(message, parts, cancellationToken);
        if (bounce is { IsSuccessReport: false })
        {
            return new ReplyAnalysis(ReplyKind.Bounce, FindBouncedToken(parts, replyLocalPart, domain) ?? token, string.Empty, [], null, bounce.Type, bounce.Recipient);
        }

        var notes = new List<string>();
        if (SecureMime.IsEncrypted(parts))
        {
            // Nothing of it can be read here: the sender is told to send it again unencrypted.
            var automatic = AutoReplyDetector.IsAutoReply(message, parts, string.Empty, new Lazy<string>(string.Empty));
            return new ReplyAnalysis(automatic ? ReplyKind.AutoReply : token is null ? ReplyKind.NotAReply : ReplyKind.Reply, token, string.Empty, [], Encrypted, null, null);
        }

        var body = ReplyBody.Extract(parts, new ReplyContext(domain, message.From.Mailboxes.FirstOrDefault()?.Name), notes, cancellationToken);
        var excluded = new HashSet<MimeEntity>(body.Parts);
        excluded.UnionWith(SecureMime.SignatureParts(message));
        var attachments = AttachmentCollector.Collect(parts, excluded, body.ReferencedContentIds, notes, cancellationToken);
        var tooLarge = attachments.Any(a => a.SizeBytes > PostingLimits.MaxAttachmentBytes);
        var notAReply = NotAReplyDetector.Reason(message, parts, replyLocalPart, domain, () => body.FullText.Value);
        if (notAReply is not null)
        {
            notes.Add("not a reply: " + notAReply);
        }

        var kind = notAReply is not null ? ReplyKind.NotAReply
            : bounce is { IsSuccessReport: true } || AutoReplyDetector.IsAutoReply(message, parts, body.Text, body.FullText) ? ReplyKind.AutoReply
            : token is null ? ReplyKind.NotAReply : ReplyKind.Reply;
        return new ReplyAnalysis(kind, token, body.Text, attachments, tooLarge ? "attachment_too_large" : null, null, null) { Notes = notes, NotAReplyReason = notAReply };
    }

    /// <summary>The token of the first recipient header, in order: To, Cc, Delivered-To, X-Original-To, Envelope-To,
    /// then a <c>&lt;reply-TOKEN@domain&gt;</c> entry in References.</summary>
    public static string? FindToken(MimeMessage message, string replyLocalPart, string domain)
    {
        ArgumentNullException.ThrowIfNull(message);
        var prefix = replyLocalPart + "+";
        foreach (var address in message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(HeaderAddresses(message, "Delivered-To"))
            .Concat(HeaderAddresses(message, "X-Original-To"))
            .Concat(HeaderAddresses(message, "Envelope-To")))
        {
            if (TokenFromAddress(address, prefix, domain) is { } token)
            {
                return token;
            }
        }

        foreach (var reference in message.References ?? [])
        {
            var at = reference.LastIndexOf('@');
            if (at > replyLocalPart.Length && reference[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase)
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

    private static IEnumerable<string> HeaderAddresses(MimeMessage message, string name)
    {
        foreach (var header in message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)))
        {
            if (InternetAddressList.TryParse(header.Value, out var list))
            {
                foreach (var mailbox in list.Mailboxes)
                {
                    yield return mailbox.Address;
                }
            }
            else
            {
                yield return header.Value.Trim().Trim('<', '>');
            }
        }
    }

    private static string? TokenFromAddress(string address, string prefix, string domain)
    {
        var at = address.LastIndexOf('@');
        if (at <= prefix.Length || !address[(at + 1)..].Trim().Equals(domain, StringComparison.OrdinalIgnoreCase)
            || !address.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var candidate = address[prefix.Length..at];
        return TokenShape().IsMatch(candidate) ? candidate : null;
    }

    /// <summary>The token in the returned notification's Reply-To: an attached message, attached headers, or the
    /// original headers pasted into a legacy report's text.</summary>
    private static string? FindBouncedToken(IReadOnlyList<MimeEntity> parts, string replyLocalPart, string domain)
    {
        var prefix = replyLocalPart + "+";
        foreach (var part in parts)
        {
            IEnumerable<string> replyTo = part switch
            {
                MessagePart { Message: { } returned } => returned.ReplyTo.Mailboxes.Select(m => m.Address),
                TextPart text => ReplyToLine().Matches(BodyText.Decode(text)).SelectMany(m => Addresses(m.Groups[1].Value)),
                _ => [],
            };
            if (replyTo.Select(a => TokenFromAddress(a, prefix, domain)).FirstOrDefault(t => t is not null) is { } token)
            {
                return token;
            }
        }

        return null;
    }

    private static IEnumerable<string> Addresses(string value) =>
        InternetAddressList.TryParse(value.Trim(), out var list) ? list.Mailboxes.Select(m => m.Address) : [];
}
