namespace ClpMailGateway.Outbound;

/// <summary>One message in a digest.</summary>
public sealed record DigestEntry(long MessageId, string AuthorName, DateTime CreatedAtUtc, string Text, int FileCount);
