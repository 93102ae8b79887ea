using ClpMailGateway.Domain;

namespace ClpMailGateway.Outbound;

/// <summary>The messages of one channel in a digest, oldest first.</summary>
/// <param name="ChannelName">The channel's name in English (<see cref="ChannelNames.Display"/>), for a reader whose
/// language names it no other way.</param>
public sealed record DigestGroup(string TitleName, string TitleSlug, int ChannelId, string ChannelKey, string ChannelName, IReadOnlyList<DigestEntry> Messages)
{
    public ChannelKind Kind { get; init; } = ChannelKind.Vendor;

    /// <summary>A vendor channel's language; null for the others.</summary>
    public string? ChannelLanguage { get; init; }
}
