namespace ClpMailGateway.Domain;

public sealed class Follow
{
    public int UserId { get; set; }
    public int TitleId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
