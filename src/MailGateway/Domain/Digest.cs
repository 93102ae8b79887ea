namespace ClpMailGateway.Domain;

/// <summary>One digest mail sent to a user: its Message-ID is <c>&lt;digest-{Id}@domain&gt;</c>, so a reply to it is
/// recognised and refused with links to the channels it covered.</summary>
public sealed class Digest
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public required string ToAddress { get; set; }

    /// <summary>The channels the digest covered, as comma-separated ids (e.g. <c>12,15</c>).</summary>
    public required string ChannelIds { get; set; }

    public int MessageCount { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    public IReadOnlyList<int> ChannelIdList() =>
        ChannelIds.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(id => int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
