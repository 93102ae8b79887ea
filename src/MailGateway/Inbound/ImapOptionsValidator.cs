using ClpMailGateway.MailAuth;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>Cross-field rules of <see cref="ImapOptions"/>.</summary>
public sealed class ImapOptionsValidator : IValidateOptions<ImapOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        MailLoginValidation.Validate(ImapOptions.SectionName, options.Host, options.Security, options.AuthMechanism, options.Username, options.Password, options.OAuth2, errors);

        if (options.IdleRefresh <= TimeSpan.Zero || options.IdleRefresh >= TimeSpan.FromMinutes(29))
        {
            errors.Add("Imap:IdleRefresh must be above zero and under 29 minutes.");
        }

        if (options.PollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add("Imap:PollInterval must be at least one second.");
        }

        if (options.ReconnectMinDelay <= TimeSpan.Zero || options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            errors.Add("Imap:ReconnectMinDelay must be above zero and at most Imap:ReconnectMaxDelay.");
        }

        if (options.ParseTimeout < TimeSpan.FromMilliseconds(100) || options.ParseTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Imap:ParseTimeout must be between 00:00:00.1 and 00:10:00.");
        }

        if (string.Equals(options.ProcessedFolder, options.RejectedFolder, StringComparison.OrdinalIgnoreCase)
            || string.Equals(options.ProcessedFolder, options.Mailbox, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Imap:Mailbox, Imap:ProcessedFolder and Imap:RejectedFolder must be three different folders.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
