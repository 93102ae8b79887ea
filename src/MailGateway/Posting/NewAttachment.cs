namespace ClpMailGateway.Posting;

/// <summary>A file to attach to a new message. The content is read once, up to the size limit, and never trusted
/// for its declared length.</summary>
public sealed record NewAttachment(string FileName, string? ContentType, Stream Content);
