using System.Globalization;
using ClpMailGateway.Mail;
using MimeKit;

namespace ClpMailGateway.Web.SignIn;

/// <summary>The mail that carries a sign-in link.</summary>
internal static class SignInMail
{
    public const string Purpose = "sign-in";

    public static MimeMessage Compose(MailOptions options, string toAddress, string name, string link, TimeSpan lifetime, DateTime nowUtc)
    {
        var message = SystemMail.Create(options, new MailboxAddress(name, toAddress), "Your sign-in link", nowUtc);
        var minutes = ((int)lifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {name},

                Open this link to sign in to {options.GatewayName}. It works once, within {minutes} minutes:

                {link}

                If you did not ask to sign in, ignore this mail; nobody can use it without access to your mailbox.

                -- 
                {options.GatewayName} · {options.WebBaseUrl}
                This is an automatic message; replies to it are not read.

                """.ReplaceLineEndings("\n"),
        };
        return message;
    }
}
