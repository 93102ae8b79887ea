namespace ClpMailGateway.Outbound;

/// <summary>An attachment of the message a notification is about; <see cref="Content"/> is attached only when the
/// message's files are small enough together.</summary>
public sealed record NotificationFile(long Id, string FileName, string ContentType, long SizeBytes, byte[] Content);
