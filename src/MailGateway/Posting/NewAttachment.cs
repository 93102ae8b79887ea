namespace ClpMailGateway.Posting;

/// <summary>A file to attach to a new message. The content is read once, up to the size limit, and never trusted
/// for its declared length. <paramref name="ExpectedBytes"/>, when known (a mail part already measured), only sizes
/// the buffer the content is read into, so a large file is held once rather than in a growing buffer plus a copy.</summary>
public sealed record NewAttachment(string FileName, string? ContentType, Stream Content, long? ExpectedBytes = null)
{
    /// <summary>Reads the content once more from its start, when the source can (a mail part decodes again). A large
    /// file that can be read again, through this or because <see cref="Content"/> is seekable, is not held in memory:
    /// it is read once to be hashed and measured, and once more straight into its row. The poster does not dispose
    /// the stream returned, as it does not dispose <see cref="Content"/>.</summary>
    public Func<Stream>? OpenAgain { get; init; }
}
