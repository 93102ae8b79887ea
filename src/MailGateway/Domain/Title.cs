namespace ClpMailGateway.Domain;

/// <summary>A film or series being localized; owns one Internal, one Broadcast and one Vendor channel per language.</summary>
public sealed class Title
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The production system's id for the title (sync and import upsert by it); null for titles made here.</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the title was archived: its channels stay readable, nothing is posted or mailed any more.</summary>
    public DateTime? ArchivedAtUtc { get; set; }

    public bool IsArchived => ArchivedAtUtc is not null;
    public List<TitleLanguage> Languages { get; } = [];
    public List<Channel> Channels { get; } = [];
}
