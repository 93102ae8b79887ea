using System.Globalization;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Mail;

/// <summary>The mail that asks to confirm an address added in settings, in the reader's language.</summary>
public static class AddressVerificationMail
{
    public const string Purpose = "address-verification";

    public static MimeMessage Compose(
        MailOptions options, MailTemplates templates, string language, string toAddress, string name, string link, TimeSpan lifetime, DateTime nowUtc)
    {
        var model = new TemplateModel
        {
            ["name"] = name,
            ["link"] = link,
            ["hours"] = ((int)lifetime.TotalHours).ToString(CultureInfo.InvariantCulture),
        };
        return SystemMail.Compose(options, templates, "confirm", language, new MailboxAddress(name, MailboxAddress.Parse(toAddress).Address), model, nowUtc, []);
    }
}
