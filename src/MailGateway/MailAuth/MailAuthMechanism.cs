namespace ClpMailGateway.MailAuth;

/// <summary>How the gateway logs in to its IMAP mailbox or its SMTP relay.</summary>
public enum MailAuthMechanism
{
    /// <summary>User name and password, over the strongest SASL mechanism both sides know (SCRAM first, PLAIN/LOGIN last).</summary>
    Password,

    /// <summary>SASL OAUTHBEARER or XOAUTH2 with an access token from the configured <see cref="OAuth2Provider"/>, renewed
    /// before it expires and again when the server refuses it.</summary>
    OAuth2,
}
