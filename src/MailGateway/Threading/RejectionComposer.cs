using System.Globalization;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using MimeKit;

namespace ClpMailGateway.Threading;

/// <summary>Writes the one clear mail that tells a sender why their mail was not posted and what to do, with their
/// text quoted so nothing is lost. Marked as an automatic reply (RFC 3834) and sent from the null return path.</summary>
public static class RejectionComposer
{
    public static MimeMessage Compose(MailOptions options, MimeMessage original, string toAddress, string reason, string detail, string? newText, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(original);
        var subject = original.Subject is { Length: > 0 } s ? s : "(no subject)";
        var message = SystemMail.Create(options, MailboxAddress.Parse(toAddress), "Not posted: " + subject, nowUtc, "auto-replied");
        if (original.MessageId is { Length: > 0 } originalId)
        {
            message.InReplyTo = originalId;
            message.References.Add(originalId);
        }

        message.Headers.Add("X-CLP-Reject-Reason", reason);

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"Your mail \"{subject}\"");
        if (original.Date != DateTimeOffset.MinValue)
        {
            body.Append(CultureInfo.InvariantCulture, $" of {original.Date.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        }

        body.Append(" was not posted.\n\n");
        body.Append("Why: ").Append(detail).Append("\n\n");
        body.Append("What to do: ").Append(RejectReasons.Advice(reason)).Append("\n\n");
        var text = string.IsNullOrWhiteSpace(newText) ? original.TextBody : newText;
        if (!string.IsNullOrWhiteSpace(text))
        {
            body.Append("Your text, so nothing is lost:\n\n");
            foreach (var line in text.ReplaceLineEndings("\n").Trim().Split('\n'))
            {
                body.Append("> ").Append(line).Append('\n');
            }

            body.Append('\n');
        }

        body.Append("-- \n").Append(options.GatewayName).Append(" · ").Append(options.WebBaseUrl).Append('\n')
            .Append("This is an automatic message; replies to it are not read.\n");
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }
}
