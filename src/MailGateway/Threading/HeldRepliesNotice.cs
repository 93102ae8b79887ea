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

    /// <param name="limit">The limit reached, as the quarantine records it.</param>
    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string language, MailboxAddress to, string adminName, string senderName, string limit, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = new TemplateModel
        {
            ["name"] = adminName,
            ["sender"] = senderName,
            ["limit"] = limit,
            ["quarantine_url"] = WebRoutes.Absolute(options.WebBaseUrl, WebRoutes.Quarantine),
        };
        return SystemMail.Compose(options, templates, "held", language, to, model, nowUtc, [("sender", senderName)]);
    }
}
