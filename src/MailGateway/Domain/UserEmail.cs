namespace ClpMailGateway.Domain;

/// <summary>One of a user's addresses. Only verified addresses identify a sender of a reply.</summary>
public sealed class UserEmail
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public User? User { get; set; }

    /// <summary>Normalized address (trimmed, lower case) used for lookups; unique across users.</summary>
    public required string Address { get; set; }

    public bool IsPrimary { get; set; }
    public DateTime? VerifiedAtUtc { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret in the verification link mailed to an added address; null once
    /// verified (or for an address added verified).</summary>
    public string? VerificationSecretHash { get; set; }

    /// <summary>When the verification link stops working.</summary>
    public DateTime? VerificationExpiresAtUtc { get; set; }

    public DateTime? AddedAtUtc { get; set; }
}
