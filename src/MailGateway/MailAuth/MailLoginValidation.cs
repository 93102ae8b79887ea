using MailKit.Security;

namespace ClpMailGateway.MailAuth;

/// <summary>The configuration rules of a login, the same for <c>Imap:</c> and <c>Smtp:</c>, checked at start.</summary>
public static class MailLoginValidation
{
    /// <summary>Adds to <paramref name="errors"/> what is wrong with a login to <paramref name="host"/>.</summary>
    public static void Validate(
        string section, string host, SecureSocketOptions security, MailAuthMechanism mechanism, string username, string password, OAuth2Options oauth2, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(oauth2);
        ArgumentNullException.ThrowIfNull(errors);
        if (security == SecureSocketOptions.None && !MailLogin.IsLoopback(host))
        {
            errors.Add($"{section}:Security is None but {section}:Host '{host}' is not a loopback address: the login would cross the network "
                + $"in clear. Use StartTls or SslOnConnect (or Auto).");
        }

        if (mechanism == MailAuthMechanism.Password)
        {
            if (password.Length == 0)
            {
                errors.Add($"{section}:Password is empty ({section}:AuthMechanism is Password).");
            }

            return;
        }

        if (username.Length == 0)
        {
            errors.Add($"{section}:Username is empty: OAuth2 needs the mailbox the token is for.");
        }

        if (oauth2.RenewBefore < TimeSpan.Zero || oauth2.RenewBefore > TimeSpan.FromMinutes(30))
        {
            errors.Add($"{section}:OAuth2:RenewBefore must be from 00:00:00 to 00:30:00.");
        }

        switch (oauth2.Provider)
        {
            case OAuth2Provider.Static when oauth2.AccessToken.Length == 0 && oauth2.AccessTokenFile.Length == 0:
                errors.Add($"{section}:OAuth2:AccessToken and {section}:OAuth2:AccessTokenFile are empty ({section}:OAuth2:Provider is Static).");
                break;
            case OAuth2Provider.Static when oauth2.AccessTokenFile.Length > 0 && !File.Exists(oauth2.AccessTokenFile):
                errors.Add($"{section}:OAuth2:AccessTokenFile '{oauth2.AccessTokenFile}' does not exist.");
                break;
            case OAuth2Provider.Microsoft365:
                foreach (var (name, value) in new[] { ("TenantId", oauth2.TenantId), ("ClientId", oauth2.ClientId), ("ClientSecret", oauth2.ClientSecret) })
                {
                    if (value.Length == 0)
                    {
                        errors.Add($"{section}:OAuth2:{name} is empty ({section}:OAuth2:Provider is Microsoft365).");
                    }
                }

                if (oauth2.Instance.Length > 0 && !(Uri.TryCreate(oauth2.Instance, UriKind.Absolute, out var instance) && instance.Scheme == Uri.UriSchemeHttps))
                {
                    errors.Add($"{section}:OAuth2:Instance '{oauth2.Instance}' must be an https address (e.g. https://login.microsoftonline.us).");
                }

                break;
            case OAuth2Provider.Google when oauth2.ServiceAccountKeyFile.Length == 0 || !File.Exists(oauth2.ServiceAccountKeyFile):
                errors.Add($"{section}:OAuth2:ServiceAccountKeyFile '{oauth2.ServiceAccountKeyFile}' does not exist ({section}:OAuth2:Provider is Google: the service account's JSON key).");
                break;
        }
    }
}
