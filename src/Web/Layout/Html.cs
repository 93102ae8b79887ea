using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace ClpMailGateway.Web.Layout;

/// <summary>Encoding for everything that goes into a page: markup characters are always encoded, letters of every
/// script stay readable in the page source.</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Text (or an attribute value in double quotes), encoded.</summary>
    public static string E(string? text) => Encoder.Encode(text ?? string.Empty);

    /// <summary>A URL path segment, escaped and then encoded for an attribute.</summary>
    public static string Segment(string text) => E(Uri.EscapeDataString(text));

    public static string Time(DateTime utc)
    {
        var value = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return $"<time datetime=\"{value.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\">"
            + value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC</time>";
    }

    public static string Size(long bytes) => ClpMailGateway.Posting.PostingLimits.Describe(bytes);
}
