namespace ClpMailGateway.Domain;

/// <summary>A vendor is assigned a language on a title; this is what gives its users access to that Vendor channel.</summary>
public sealed class VendorAssignment
{
    public int VendorId { get; set; }
    public int TitleId { get; set; }
    public required string Language { get; set; }

    /// <summary>The vendor's main language on the title: where a vendor user's reply to Broadcast goes when their
    /// languages there leave more than one channel and the reply's own language does not decide it. At most one per
    /// vendor and title.</summary>
    public bool IsPrimary { get; set; }
}
