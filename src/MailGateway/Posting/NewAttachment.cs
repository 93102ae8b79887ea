namespace ClpMailGateway.Posting;

/// <summary>A file to attach to a new message. The content is read once, up to the size limit, and never trusted
/// for its declared length. <paramref name="ExpectedBytes"/>, when known (a mail part already measured), only sizes
/// the buffer the content is read into, so a large file is held once rather than in a growing buffer plus a copy.</summary>
public sealed record NewAttachment(string FileName, string? ContentType, Stream Content, long? ExpectedBytes = null);
