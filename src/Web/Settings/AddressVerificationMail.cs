using System.Globalization;
using ClpMailGateway.Mail;
using MimeKit;

namespace ClpMailGateway.Web.Settings;

/// <summary>The mail that asks to confirm an address added in settings.</summary>
internal static class AddressVerificationMail
{
    public const string Purpose = "address-verification";

    public static MimeMessage Compose(MailOptions options, string toAddress, string name, string link, TimeSpan lifetime, DateTime nowUtc)
    {
        var message = SystemMail.Create(options, MailboxAddress.Parse(toAddress), "Confirm your address", nowUtc);
        var hours = ((int)lifetime.TotalHours).ToString(CultureInfo.InvariantCulture);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {name},

                You added this address to your account on {options.GatewayName}. Open this link within {hours} hours to confirm it;
                from then on your replies from this address land in their conversations, and you can sign in with it:

                {link}

                If you did not add it, ignore this mail: the address stays unconfirmed and is removed later.

                -- 
                {options.GatewayName} · {options.WebBaseUrl}
                This is an automatic message; replies to it are not read.

                """.ReplaceLineEndings("\n"),
        };
        return message;
    }
}
