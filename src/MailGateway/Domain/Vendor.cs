namespace ClpMailGateway.Domain;

/// <summary>A subtitling or dubbing company.</summary>
public sealed class Vendor
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public List<VendorAssignment> Assignments { get; } = [];
}
