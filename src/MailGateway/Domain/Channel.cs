namespace ClpMailGateway.Domain;

public sealed class Channel
{
    public int Id { get; set; }
    public int TitleId { get; set; }
    public Title? Title { get; set; }
    public ChannelKind Kind { get; set; }

    /// <summary>Canonical language tag for Vendor channels; null for Internal and Broadcast.</summary>
    public string? Language { get; set; }

    /// <summary>Stable key: <c>internal</c>, <c>broadcast</c> or <c>vendor-&lt;tag&gt;</c> in lower case.</summary>
    public required string Key { get; set; }
}
