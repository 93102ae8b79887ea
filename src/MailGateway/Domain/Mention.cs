namespace ClpMailGateway.Domain;

/// <summary>A user @mentioned in a message who may read its channel.</summary>
public sealed class Mention
{
    public long MessageId { get; set; }
    public int UserId { get; set; }
}
