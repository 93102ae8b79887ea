namespace ClpMailGateway.Domain;

/// <summary>A film or series being localized; owns one Internal, one Broadcast and one Vendor channel per language.</summary>
public sealed class Title
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public List<TitleLanguage> Languages { get; } = [];
    public List<Channel> Channels { get; } = [];
}
