namespace ClpMailGateway.Outbound;

/// <summary>The messages of one channel in a digest, oldest first.</summary>
public sealed record DigestGroup(string TitleName, string TitleSlug, int ChannelId, string ChannelKey, string ChannelName, IReadOnlyList<DigestEntry> Messages);
