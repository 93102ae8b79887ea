namespace ClpMailGateway.MailAuth;

/// <summary>OAuth2 for the mailbox or the relay (<c>Imap:OAuth2</c>, <c>Smtp:OAuth2</c>), used when their
/// <c>AuthMechanism</c> is <see cref="MailAuthMechanism.OAuth2"/>. The user the token is for is the section's
/// <c>Username</c> (the mailbox address).</summary>
public sealed class OAuth2Options
{
    public OAuth2Provider Provider { get; set; } = OAuth2Provider.Static;

    /// <summary>Static: the access token.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>Static: a file holding the access token, read at the first use and again whenever the token must be
    /// renewed (another process keeps it fresh). Takes precedence over <see cref="AccessToken"/>.</summary>
    public string AccessTokenFile { get; set; } = string.Empty;

    /// <summary>Microsoft365: the directory (tenant) id or domain.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>Microsoft365: the application (client) id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Microsoft365: the client secret (set it in the environment).</summary>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Microsoft365: the authority's host, for national clouds; empty: https://login.microsoftonline.com.</summary>
    public string Instance { get; set; } = string.Empty;

    /// <summary>Google: the service account's JSON key file (the account needs domain-wide delegation of the scope).</summary>
    public string ServiceAccountKeyFile { get; set; } = string.Empty;

    /// <summary>The scope asked for; empty: the provider's mail scope (Microsoft365
    /// <c>https://outlook.office365.com/.default</c>, Google <c>https://mail.google.com/</c>).</summary>
    public string Scope { get; set; } = string.Empty;

    /// <summary>A token is renewed this long before it expires, so that no connection starts with one about to lapse.</summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(5);
}
