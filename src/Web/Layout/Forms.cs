using Microsoft.AspNetCore.Antiforgery;

namespace ClpMailGateway.Web.Layout;

internal static class Forms
{
    /// <summary>The hidden antiforgery field every form carries (the RFC 8058 unsubscribe form excepted).</summary>
    public static string Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Html.E(tokens.FormFieldName)}\" value=\"{Html.E(tokens.RequestToken)}\">";
    }

    /// <summary>A local path to return to after signing in, or null: never another site.</summary>
    public static string? LocalReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2000 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Any(char.IsControl)
            ? url
            : null;
}
