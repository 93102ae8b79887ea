namespace ClpMailGateway.Domain;

/// <summary>A message waiting for a user's next digest; written by the message's fan-out (<c>NotificationFanout</c>), in the
/// transaction that removes its pending row.</summary>
public sealed class DigestItem
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public long MessageId { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The digest that carried it; null while it waits.</summary>
    public long? DigestId { get; set; }
}
