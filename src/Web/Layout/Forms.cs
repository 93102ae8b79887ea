namespace ClpMailGateway.Web.Layout;

internal static class Forms
{
    /// <summary>A local path to return to after signing in, or null: never another site. Letters beyond ASCII are
    /// percent-encoded (UTF-8), so the redirect's Location header can carry them; a link is only ever made with this form.</summary>
    public static string? LocalReturnUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2000 || url[0] != '/' || (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
            || url.Any(c => char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c)))
        {
            return null;
        }

        var encoded = new System.Text.StringBuilder(url.Length);
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                encoded.Append((char)rune.Value);
            }
            else if (rune.Value == 0xFFFD)
            {
                return null; // a broken surrogate
            }
            else
            {
                encoded.Append(Uri.EscapeDataString(rune.ToString()));
            }
        }

        return encoded.ToString();
    }
}
