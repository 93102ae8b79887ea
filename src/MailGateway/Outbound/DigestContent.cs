namespace ClpMailGateway.Outbound;

/// <summary>One digest for one user: new messages grouped by title and channel.</summary>
public sealed record DigestContent(long DigestId, int UserId, string Name, string Address, DateTime CreatedAtUtc, IReadOnlyList<DigestGroup> Groups);
