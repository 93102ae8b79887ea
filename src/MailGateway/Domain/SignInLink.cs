namespace ClpMailGateway.Domain;

/// <summary>A single-use sign-in link mailed to one of a user's addresses. Only the SHA-256 of the link's secret is
/// stored, so a copy of the database signs nobody in.</summary>
public sealed class SignInLink
{
    public long Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret in the link.</summary>
    public required string SecretHash { get; set; }

    public int UserId { get; set; }

    /// <summary>The normalized address the link was mailed to; the per-address rate limit counts these.</summary>
    public required string Address { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public DateTime ExpiresAtUtc { get; set; }

    /// <summary>Set when the link is used; a used link never works again.</summary>
    public DateTime? UsedAtUtc { get; set; }
}
