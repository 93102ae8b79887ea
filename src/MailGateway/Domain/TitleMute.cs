namespace ClpMailGateway.Domain;

/// <summary>No follower mail from any channel of one title for one user.</summary>
public sealed class TitleMute
{
    public int UserId { get; set; }
    public int TitleId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
