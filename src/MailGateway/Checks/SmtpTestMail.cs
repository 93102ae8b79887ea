using System.Globalization;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Checks;

/// <summary>The mail <c>smtp test</c> sends through the relay, in the installation's language.</summary>
public static class SmtpTestMail
{
    public static MimeMessage Compose(MailOptions options, MailTemplates templates, string language, string from, string to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = new TemplateModel { ["time"] = now.ToString("u", CultureInfo.InvariantCulture) };
        var message = SystemMail.Compose(options, templates, "test", language, MailboxAddress.Parse(to), model, now.UtcDateTime, []);
        message.From.Clear();
        message.From.Add(new MailboxAddress(options.GatewayName, from));
        return message;
    }
}
