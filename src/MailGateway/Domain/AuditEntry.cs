namespace ClpMailGateway.Domain;

/// <summary>One administrative change: who made it (a user, an API key or the command line), when, and the entity's state
/// before and after it (JSON; null before a creation).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }

    /// <summary><c>user</c>, <c>api_key</c> or <c>cli</c>.</summary>
    public required string ActorKind { get; set; }

    /// <summary>The user's or the API key's id; null for the command line.</summary>
    public int? ActorId { get; set; }

    /// <summary>The actor as people know it: the user's address, the key's name, the operating-system user.</summary>
    public required string ActorName { get; set; }

    /// <summary><c>title</c>, <c>vendor</c>, <c>user</c>, <c>assignment</c> or <c>api_key</c>.</summary>
    public required string Entity { get; set; }

    /// <summary>The entity's id here (for an assignment <c>vendorId:titleId</c>).</summary>
    public required string EntityId { get; set; }

    /// <summary><c>create</c>, <c>update</c>, <c>archive</c>, <c>unarchive</c>, <c>remove</c>, <c>revoke</c>.</summary>
    public required string Action { get; set; }

    public string? Before { get; set; }
    public string? After { get; set; }
}
