using System.Globalization;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Mail;

/// <summary>The mail that carries a sign-in link, in the reader's language.</summary>
public static class SignInMail
{
    public const string Purpose = "sign-in";

    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string language, string toAddress, string name, string link, TimeSpan lifetime, DateTime nowUtc)
    {
        var model = new TemplateModel
        {
            ["name"] = name,
            ["link"] = link,
            ["minutes"] = ((int)lifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture),
        };
        return SystemMail.Compose(options, templates, "signin", language, new MailboxAddress(name, toAddress), model, nowUtc, []);
    }
}
