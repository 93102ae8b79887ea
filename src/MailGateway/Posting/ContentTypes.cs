namespace ClpMailGateway.Posting;

public static class ContentTypes
{
    /// <summary>The MIME type for a file name by its extension (MimeKit's table), <c>application/octet-stream</c> when unknown.</summary>
    public static string FromFileName(string fileName) => MimeKit.MimeTypes.GetMimeType(fileName);
}
