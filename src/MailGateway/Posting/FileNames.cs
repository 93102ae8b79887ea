using System.Text;

namespace ClpMailGateway.Posting;

public static class FileNames
{
    /// <summary>A file name safe to store and offer for download: no folders, no control or path characters,
    /// at most <see cref="PostingLimits.MaxFileNameLength"/> characters, never empty.</summary>
    public static string Sanitize(string? name)
    {
        var lastPart = (name ?? string.Empty).Replace('\\', '/').Split('/').LastOrDefault() ?? string.Empty;
        var builder = new StringBuilder(lastPart.Length);
        foreach (var c in lastPart)
        {
            builder.Append(char.IsControl(c) || c is '"' or '<' or '>' or '|' or ':' or '*' or '?' ? '_' : c);
        }

        var cleaned = builder.ToString().Trim().Trim('.');
        if (cleaned.Length == 0)
        {
            return "attachment";
        }

        if (cleaned.Length <= PostingLimits.MaxFileNameLength)
        {
            return cleaned;
        }

        var extension = Path.GetExtension(cleaned);
        if (extension.Length > 20)
        {
            extension = string.Empty;
        }

        return cleaned[..(PostingLimits.MaxFileNameLength - extension.Length)] + extension;
    }
}
