using System.Net;
using MailKit.Security;

namespace ClpMailGateway.MailAuth;

/// <summary>
/// What a connection to the mailbox or the relay logs in with, and how: the SASL mechanism is chosen here, from MailKit's
/// public <see cref="SaslMechanism"/> classes, for both SMTP clients and for IMAP alike (the strongest both sides know for
/// a password; XOAUTH2, else OAUTHBEARER, for a token). An OAuth2 token the server refuses is renewed once and tried again.
/// Credentials never cross a connection in clear unless the configuration asks for no TLS to a loopback host
/// (<see cref="MaySendCredentials"/>).
/// </summary>
public sealed class MailLogin(string settingSection, MailAuthMechanism mechanism, string username, string password, AccessTokenSource? tokens)
    : IDisposable
{
    /// <summary>Password mechanisms, strongest first (MailKit's own ranking, without the Windows-only ones).</summary>
    private static readonly string[] PasswordRanking = ["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"];

    /// <summary>XOAUTH2 first: Microsoft 365 offers only it, and MailKit's OAUTHBEARER needs the server's host and port,
    /// which only MailKit's own clients can give it.</summary>
    private static readonly string[] TokenRanking = ["XOAUTH2", "OAUTHBEARER"];

    public string Username { get; } = username;

    public MailAuthMechanism Mechanism { get; } = mechanism;

    /// <summary>Whether a host name is this machine's loopback (an address literal, or <c>localhost</c>); no lookup.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Credentials go over TLS, or in clear only when the configuration says no TLS (<c>Security = None</c>)
    /// and the server is on this machine: a server that stops offering STARTTLS never gets them.</summary>
    public static bool MaySendCredentials(SecureSocketOptions security, bool encrypted, string host) =>
        encrypted || (security == SecureSocketOptions.None && IsLoopback(host));

    /// <summary>Throws unless <see cref="MaySendCredentials"/>: the session is encrypted, or the configuration says no
    /// TLS to a loopback host. <paramref name="startTlsOffered"/> false: the server offered no STARTTLS (said in the message).</summary>
    public void EnsureMaySendCredentials(SecureSocketOptions security, bool encrypted, string host, bool startTlsOffered)
    {
        if (!MaySendCredentials(security, encrypted, host))
        {
            throw new AuthenticationException(
                $"{settingSection}: the session with {host} is not encrypted ({settingSection}:Security is {security}{(startTlsOffered ? string.Empty : "; the server offered no STARTTLS")}): credentials are not sent in clear");
        }
    }

    /// <summary>Logs in over <paramref name="authenticate"/> (which throws <see cref="AuthenticationException"/> when the
    /// server refuses), choosing among <paramref name="offered"/>. Returns the mechanism's name.</summary>
    public string Authenticate(IReadOnlyCollection<string> offered, Action<SaslMechanism> authenticate, CancellationToken cancellationToken) =>
        AuthenticateAsync(offered, mechanism => { authenticate(mechanism); return Task.CompletedTask; }, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Authenticate"/>
    public async Task<string> AuthenticateAsync(IReadOnlyCollection<string> offered, Func<SaslMechanism, Task> authenticate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(authenticate);
        if (Mechanism == MailAuthMechanism.Password)
        {
            var sasl = Choose(offered, PasswordRanking, name => SaslMechanism.Create(name, new NetworkCredential(Username, password)));
            await authenticate(sasl);
            return sasl.MechanismName;
        }

        var token = await tokens!.GetAsync(cancellationToken);
        try
        {
            return await WithTokenAsync(offered, token, authenticate);
        }
        catch (AuthenticationException)
        {
            // Expired or revoked before its time: one renewal, one more try.
            token = await tokens.RenewAfterRefusalAsync(token, cancellationToken);
            return await WithTokenAsync(offered, token, authenticate);
        }
    }

    private async Task<string> WithTokenAsync(IReadOnlyCollection<string> offered, string token, Func<SaslMechanism, Task> authenticate)
    {
        var credential = new NetworkCredential(Username, token);
        var sasl = Choose(offered, TokenRanking, name => name == "OAUTHBEARER" ? new SaslMechanismOAuthBearer(credential) : new SaslMechanismOAuth2(credential));
        await authenticate(sasl);
        return sasl.MechanismName;
    }

    public void Dispose() => tokens?.Dispose();

    private SaslMechanism Choose(IReadOnlyCollection<string> offered, string[] ranking, Func<string, SaslMechanism?> create)
    {
        foreach (var name in ranking)
        {
            if (offered.Contains(name, StringComparer.OrdinalIgnoreCase) && create(name) is { } sasl)
            {
                return sasl;
            }
        }

        throw new AuthenticationException(offered.Count == 0
            ? $"{settingSection}: a login is configured but the server offers no AUTH"
            : $"{settingSection}: the server offers AUTH {string.Join(' ', offered)}, none of {string.Join(", ", ranking)} ({settingSection}:AuthMechanism {Mechanism})");
    }
}
