namespace ClpMailGateway.MailAuth;

/// <summary>The token of the configuration, or of a file another process keeps fresh (read again on every renewal). Its
/// expiry is not known: it is renewed only when the server refuses it.</summary>
public sealed class StaticAccessTokenProvider(OAuth2Options options, string settingName) : IAccessTokenProvider
{
    public async Task<AccessToken> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var token = options.AccessTokenFile.Length > 0
            ? (await File.ReadAllTextAsync(options.AccessTokenFile, cancellationToken)).Trim()
            : options.AccessToken.Trim();
        return token.Length > 0
            ? new AccessToken(token, DateTimeOffset.MaxValue)
            : throw new InvalidOperationException($"{settingName}: the static OAuth2 access token is empty{(options.AccessTokenFile.Length > 0 ? $" (file {options.AccessTokenFile})" : string.Empty)}.");
    }
}
