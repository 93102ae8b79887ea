using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.MailAuth;

/// <summary>The gateway's two logins, the mailbox's (<c>Imap:</c>) and the relay's (<c>Smtp:</c>), each with its token
/// source when it uses OAuth2, so that every connection of one login shares one token and its renewals. A singleton.</summary>
public sealed class MailLogins(IOptions<ImapOptions> imap, IOptions<SmtpOptions> smtp, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : IDisposable
{
    private readonly Lazy<MailLogin> _imap = new(() => Create(ImapOptions.SectionName, imap.Value.AuthMechanism, imap.Value.Username, imap.Value.Password, imap.Value.OAuth2, timeProvider, loggerFactory));
    private readonly Lazy<MailLogin?> _smtp = new(() => smtp.Value.Username.Length == 0
        ? null
        : Create(SmtpOptions.SectionName, smtp.Value.AuthMechanism, smtp.Value.Username, smtp.Value.Password, smtp.Value.OAuth2, timeProvider, loggerFactory));

    public MailLogin Imap => _imap.Value;

    /// <summary>Null when the relay takes mail without AUTH (<c>Smtp:Username</c> empty).</summary>
    public MailLogin? Smtp => _smtp.Value;

    public static MailLogin Create(
        string section, MailAuthMechanism mechanism, string username, string password, OAuth2Options oauth2, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(oauth2);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        AccessTokenSource? tokens = null;
        if (mechanism == MailAuthMechanism.OAuth2)
        {
            IAccessTokenProvider provider = oauth2.Provider switch
            {
                OAuth2Provider.Microsoft365 => new MicrosoftAccessTokenProvider(oauth2),
                OAuth2Provider.Google => new GoogleAccessTokenProvider(oauth2, username, timeProvider),
                _ => new StaticAccessTokenProvider(oauth2, $"{section}:OAuth2"),
            };
            tokens = new AccessTokenSource(provider, oauth2, timeProvider, loggerFactory.CreateLogger<AccessTokenSource>(), $"{section} login {username}");
        }

        return new MailLogin(section, mechanism, username, password, tokens);
    }

    public void Dispose()
    {
        if (_imap.IsValueCreated)
        {
            _imap.Value.Dispose();
        }

        if (_smtp.IsValueCreated)
        {
            _smtp.Value?.Dispose();
        }
    }
}
