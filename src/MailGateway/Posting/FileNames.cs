using System.Globalization;
using System.Text;

namespace ClpMailGateway.Posting;

/// <summary>The one function that makes a file name safe, for uploads, for the names in notification mails and on the
/// page, and for downloads alike.</summary>
public static class FileNames
{
    /// <summary>A file name safe to store, show and offer for download: no folders; no control, path or format characters
    /// (bidirectional overrides such as U+202E turn <c>fdp.exe</c> into a "…exe.pdf" on screen, zero-width characters
    /// hide text); Unicode NFC; runs of spaces made one, so nothing pushes the extension out of sight; at most
    /// <see cref="PostingLimits.MaxFileNameLength"/> characters with the extension kept last; never empty.</summary>
    public static string Sanitize(string? name)
    {
        var lastPart = (name ?? string.Empty).Replace('\\', '/').Split('/').LastOrDefault() ?? string.Empty;
        var builder = new StringBuilder(lastPart.Length);
        var space = false;
        foreach (var rune in lastPart.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Format || rune.Value == 0xFFFD)
            {
                continue; // invisible: bidirectional controls, zero-width characters, a soft hyphen; a broken surrogate
            }

            if (!Rune.IsControl(rune) && (Rune.IsWhiteSpace(rune) || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(Rune.IsControl(rune) || rune.Value is '"' or '<' or '>' or '|' or ':' or '*' or '?' ? "_" : rune.ToString());
        }

        var cleaned = builder.ToString().Normalize(NormalizationForm.FormC).Trim().Trim('.').Trim();
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

        // Cut the stem, not the extension, and never between the halves of a surrogate pair.
        var stem = cleaned[..(PostingLimits.MaxFileNameLength - extension.Length)];
        if (stem.Length > 0 && char.IsHighSurrogate(stem[^1]))
        {
            stem = stem[..^1];
        }

        return stem.TrimEnd() + extension;
    }
}
