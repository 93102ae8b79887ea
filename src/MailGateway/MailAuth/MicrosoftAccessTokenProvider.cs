using Microsoft.Identity.Client;

namespace ClpMailGateway.MailAuth;

/// <summary>Microsoft 365: an app's token by the client credentials flow (MSAL, which caches it). The app needs the
/// mailbox's IMAP.AccessAsApp / SMTP.SendAsApp permission and an Exchange service principal with access to it.</summary>
public sealed class MicrosoftAccessTokenProvider : IAccessTokenProvider
{
    /// <summary>The scope for IMAP and SMTP of Exchange Online.</summary>
    public const string DefaultScope = "https://outlook.office365.com/.default";

    private readonly IConfidentialClientApplication _application;
    private readonly string[] _scopes;

    public MicrosoftAccessTokenProvider(OAuth2Options options, IMsalHttpClientFactory? httpClientFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = ConfidentialClientApplicationBuilder.Create(options.ClientId)
            .WithClientSecret(options.ClientSecret)
            .WithAuthority(options.Instance.Length > 0 ? options.Instance.TrimEnd('/') : "https://login.microsoftonline.com", options.TenantId);
        if (httpClientFactory is not null)
        {
            builder = builder.WithHttpClientFactory(httpClientFactory).WithInstanceDiscovery(false);
        }

        _application = builder.Build();
        _scopes = [options.Scope.Length > 0 ? options.Scope : DefaultScope];
    }

    public async Task<AccessToken> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var result = await _application.AcquireTokenForClient(_scopes).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
        return new AccessToken(result.AccessToken, result.ExpiresOn);
    }
}
