namespace ClpMailGateway.MailAuth;

/// <summary>Where OAuth2 access tokens come from (<c>Imap:OAuth2:Provider</c>, <c>Smtp:OAuth2:Provider</c>).</summary>
public enum OAuth2Provider
{
    /// <summary>A token given in the configuration, or read from a file that something else keeps fresh (read again
    /// whenever the token must be renewed).</summary>
    Static,

    /// <summary>Microsoft 365 (Entra ID): the client credentials flow through MSAL, for an app granted IMAP/SMTP access
    /// to the mailbox.</summary>
    Microsoft365,

    /// <summary>Google Workspace: a service account with domain-wide delegation, acting as the mailbox's user.</summary>
    Google,
}
