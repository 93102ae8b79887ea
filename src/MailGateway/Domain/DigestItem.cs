namespace ClpMailGateway.Domain;

/// <summary>A message waiting for a user's next digest; written in the same transaction as the message.</summary>
public sealed class DigestItem
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public long MessageId { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The digest that carried it; null while it waits.</summary>
    public long? DigestId { get; set; }
}
