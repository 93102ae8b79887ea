namespace ClpMailGateway.Domain;

/// <summary>A vendor is assigned a language on a title; this is what gives its users access to that Vendor channel.</summary>
public sealed class VendorAssignment
{
    public int VendorId { get; set; }
    public int TitleId { get; set; }
    public required string Language { get; set; }
}
