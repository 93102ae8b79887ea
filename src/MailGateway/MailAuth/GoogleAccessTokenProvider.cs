using Google.Apis.Auth.OAuth2;

namespace ClpMailGateway.MailAuth;

/// <summary>Google Workspace: a service account with domain-wide delegation acting as the mailbox's user (its JSON key's
/// <c>token_uri</c> is where tokens are asked for). The library caches the token; a forced refresh asks for a new one.</summary>
public sealed class GoogleAccessTokenProvider : IAccessTokenProvider
{
    /// <summary>The scope for Gmail's IMAP and SMTP.</summary>
    public const string DefaultScope = "https://mail.google.com/";

    private readonly ServiceAccountCredential _credential;
    private readonly TimeProvider _timeProvider;

    public GoogleAccessTokenProvider(OAuth2Options options, string user, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        var key = CredentialFactory.FromFile<ServiceAccountCredential>(options.ServiceAccountKeyFile);
        _credential = (ServiceAccountCredential)GoogleCredential.FromServiceAccountCredential(key)
            .CreateScoped(options.Scope.Length > 0 ? options.Scope : DefaultScope)
            .CreateWithUser(user)
            .UnderlyingCredential;
    }

    public async Task<AccessToken> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        if (forceRefresh || _credential.Token is null)
        {
            if (!await _credential.RequestAccessTokenAsync(cancellationToken))
            {
                throw new InvalidOperationException("Google refused to issue an access token for the service account.");
            }
        }

        var token = await _credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        var issued = _credential.Token!;
        var expires = issued.ExpiresInSeconds is { } seconds ? new DateTimeOffset(issued.IssuedUtc, TimeSpan.Zero).AddSeconds(seconds) : _timeProvider.GetUtcNow().AddMinutes(55);
        return new AccessToken(token, expires);
    }
}
