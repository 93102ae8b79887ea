namespace ClpMailGateway.Posting;

public static class PostingLimits
{
    /// <summary>10 MB per attachment (10 × 1024 × 1024 bytes), for web and mail alike.</summary>
    public const long MaxAttachmentBytes = 10L * 1024 * 1024;

    public const int MaxAttachments = 20;

    public const int MaxTextLength = 100_000;

    public const int MaxFileNameLength = 255;

    public static string Describe(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024d * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024d:0.#} KB",
        _ => $"{bytes} bytes",
    };
}
