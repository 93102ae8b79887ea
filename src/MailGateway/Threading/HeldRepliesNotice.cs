using ClpMailGateway.Links;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Threading;

/// <summary>The mail to an operator (admin) that a sender's replies are held in the quarantine for their rate, in the
/// operator's language.</summary>
public static class HeldRepliesNotice
{
    public const string Purpose = "staff-notice";

    /// <param name="count">The sender's replies by mail in the last hour.</param>
    /// <param name="limit">The most allowed.</param>
    /// <param name="channel">The channel whose limit was reached, or null when it was the sender's limit over all.</param>
    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string language, MailboxAddress to, string adminName, string senderName, int count, int limit,
        RejectionChannel? channel, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(templates);
        var model = new TemplateModel
        {
            ["name"] = adminName,
            ["sender"] = senderName,
            ["count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["channel"] = channel is null ? string.Empty : templates.Place(language, channel.Title, channel.Kind, channel.Language, channel.EnglishName),
            ["quarantine_url"] = WebRoutes.Absolute(options.WebBaseUrl, WebRoutes.Quarantine),
        };
        return SystemMail.Compose(options, templates, "held", language, to, model, nowUtc, [("sender", senderName)]);
    }
}
