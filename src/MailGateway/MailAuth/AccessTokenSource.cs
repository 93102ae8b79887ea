using Microsoft.Extensions.Logging;

namespace ClpMailGateway.MailAuth;

/// <summary>
/// The current access token of one login (the mailbox or the relay), shared by all its connections: renewed when it is
/// within <see cref="OAuth2Options.RenewBefore"/> of its expiry, and at once when a server refuses it (unless another
/// connection has renewed it meanwhile), without a restart. A singleton per login.
/// </summary>
public sealed class AccessTokenSource(IAccessTokenProvider provider, OAuth2Options options, TimeProvider timeProvider, ILogger logger, string login)
    : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AccessToken? _current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(_current))
        {
            return _current!.Value.Value;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (!IsFresh(_current))
            {
                var renewing = _current is not null;
                _current = await provider.AcquireAsync(forceRefresh: renewing, cancellationToken);
                logger.LogInformation("{Login}: OAuth2 {What}, {Token}", login, renewing ? "token renewed before expiry" : "token acquired", _current);
            }

            return _current!.Value.Value;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>After a server refused <paramref name="refused"/>: a new token (the one another connection already got
    /// in its place, if any). Throws if the provider gives the refused token again.</summary>
    public async Task<string> RenewAfterRefusalAsync(string refused, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && current.Value != refused && IsFresh(current))
            {
                return current.Value;
            }

            var renewed = await provider.AcquireAsync(forceRefresh: true, cancellationToken);
            if (renewed.Value == refused)
            {
                throw new System.Security.Authentication.AuthenticationException($"{login}: the server refused the OAuth2 token and its provider has no newer one.");
            }

            _current = renewed;
            logger.LogWarning("{Login}: the server refused the OAuth2 token; renewed, {Token}", login, renewed);
            return renewed.Value;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private bool IsFresh(AccessToken? token) =>
        token is { } t && (t.ExpiresAt == DateTimeOffset.MaxValue || timeProvider.GetUtcNow() < t.ExpiresAt - options.RenewBefore);
}
