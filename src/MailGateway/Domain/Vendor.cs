namespace ClpMailGateway.Domain;

/// <summary>A subtitling or dubbing company.</summary>
public sealed class Vendor
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The production system's id for the vendor; null for vendors made here.</summary>
    public string? ExternalId { get; set; }
    public List<VendorAssignment> Assignments { get; } = [];
}
