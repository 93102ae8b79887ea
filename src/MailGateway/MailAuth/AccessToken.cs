namespace ClpMailGateway.MailAuth;

/// <summary>An OAuth2 access token and when it expires (<see cref="DateTimeOffset.MaxValue"/>: not known).</summary>
public readonly record struct AccessToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <summary>Never the token itself: it is a credential.</summary>
    public override string ToString() => $"access token expiring {ExpiresAt:u}";
}
