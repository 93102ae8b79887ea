namespace ClpMailGateway.Domain;

/// <summary>A bearer key for the <c>/api/v1</c> sync API. Only the SHA-256 of its secret is stored: the key is shown once,
/// when it is made.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The key's public part (<c>clp_PREFIX_SECRET</c>): finds the row without scanning hashes.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key text.</summary>
    public required string SecretHash { get; set; }

    /// <summary>Space-separated scopes (<see cref="ApiScopes"/>).</summary>
    public required string Scopes { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public int? CreatedByUserId { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
    public DateTime? LastUsedAtUtc { get; set; }

    public bool HasScope(string scope) => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}
