using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Threading;

/// <summary>Writes the one clear mail that tells a sender why their mail was not posted and what to do, in their
/// language, with their text quoted so nothing is lost. Marked as an automatic reply (RFC 3834) and sent from the null
/// return path. Its <c>X-CLP-Reject-Reason</c> header carries the reason's code, the same in every language.</summary>
public static class RejectionComposer
{
    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string language, MimeMessage original, string toAddress, string reason, RejectionFacts facts,
        string? newText, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(facts);
        var subject = original.Subject is { Length: > 0 } s ? s : templates.Text(language, "rejection.no_subject");
        var text = string.IsNullOrWhiteSpace(newText) ? original.TextBody : newText;
        var quoted = string.IsNullOrWhiteSpace(text) ? [] : text.ReplaceLineEndings("\n").Trim().Split('\n');
        var key = KnownReasons.Contains(reason) ? reason : "other";
        var model = new TemplateModel
        {
            ["subject_line"] = subject,
            ["date"] = original.Date == DateTimeOffset.MinValue
                ? string.Empty
                : original.Date.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC",
            ["why_key"] = key,
            ["advice_key"] = key + "_advice",
            ["title"] = facts.Title ?? string.Empty,
            ["place"] = facts.Channel is { } channel ? templates.Place(language, channel.Title, channel.Kind, channel.Language, channel.EnglishName) : string.Empty,
            ["sender"] = facts.Sender ?? string.Empty,
            ["file"] = facts.File ?? string.Empty,
            ["size"] = facts.Size ?? string.Empty,
            ["limit"] = facts.Limit ?? Posting.PostingLimits.Describe(Posting.PostingLimits.MaxAttachmentBytes),
            ["channels"] = facts.Channels.Select(c => new TemplateModel
            {
                ["place"] = templates.Place(language, c.Title, c.Kind, c.Language, c.EnglishName),
                ["url"] = c.Url,
            }).ToList(),
            ["quoted"] = quoted.ToList(),
            ["quoted_text"] = string.Join('\n', quoted),
        };
        var message = SystemMail.Compose(
            options, templates, "rejection", language, MailboxAddress.Parse(toAddress), model, nowUtc, [("subject", subject)], "auto-replied");
        if (original.MessageId is { Length: > 0 } originalId)
        {
            message.InReplyTo = originalId;
            message.References.Add(originalId);
        }

        message.Headers.Add("X-CLP-Reject-Reason", reason);
        return message;
    }

    /// <summary>The reasons with their own words; any other is told as "could not be posted".</summary>
    public static IReadOnlySet<string> KnownReasons { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RejectReasons.NoToken, RejectReasons.MalformedToken, RejectReasons.InvalidToken, RejectReasons.ExpiredToken,
        RejectReasons.RevokedToken, RejectReasons.SenderMismatch, RejectReasons.PermissionDenied, RejectReasons.BroadcastReply,
        RejectReasons.DigestReply, RejectReasons.AttachmentTooLarge, RejectReasons.EmptyReply, RejectReasons.Encrypted,
        RejectReasons.TitleArchived,
    };
}
