namespace ClpMailGateway.MailAuth;

/// <summary>Gets OAuth2 access tokens from an identity provider.</summary>
public interface IAccessTokenProvider
{
    /// <summary>A token; with <paramref name="forceRefresh"/>, a new one even if a cached one has not expired (the server
    /// refused it, or it expires soon).</summary>
    Task<AccessToken> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken);
}
