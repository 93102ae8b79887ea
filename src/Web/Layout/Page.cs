using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClpMailGateway.Web.Layout;

/// <summary>The frame of every page: skip link, header with navigation, main landmark, footer. Bodies come in as
/// markup built with <see cref="Html.E"/>; the title is encoded here.</summary>
internal static class Page
{
    public static ContentHttpResult Render(HttpContext context, CurrentUser? user, string title, string body, int statusCode = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var html = new StringBuilder(body.Length + 2048);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Html.E(title)).Append(" · CLP Mail Gateway</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append("/css/site.css").Append("\">\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
            .Append("<header class=\"site\"><div class=\"bar\"><a class=\"brand\" href=\"/\">CLP Mail Gateway</a>");
        if (user is not null)
        {
            html.Append("<nav aria-label=\"Main\"><ul><li><a href=\"/titles\">My titles</a></li><li><a href=\"/settings\">Settings</a></li>");
            if (user.IsAdmin)
            {
                html.Append("<li><a href=\"/quarantine\">Quarantine</a></li>");
            }

            html.Append("</ul></nav><form class=\"signout\" method=\"post\" action=\"/signout\">").Append(Forms.Antiforgery(context))
                .Append("<span class=\"who\">").Append(Html.E(user.Name)).Append("</span> <button type=\"submit\" class=\"link\">Sign out</button></form>");
        }
        else
        {
            html.Append("<nav aria-label=\"Main\"><ul><li><a href=\"/signin\">Sign in</a></li></ul></nav>");
        }

        html.Append("</div></header>\n<main id=\"main\" tabindex=\"-1\">\n").Append(body).Append("\n</main>\n")
            .Append("<footer class=\"site\"><p>Replies to notification mails land in the same conversation.</p></footer>\n</body>\n</html>\n");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>A page that says one thing: not found, not allowed, expired.</summary>
    public static ContentHttpResult Message(HttpContext context, CurrentUser? user, int statusCode, string heading, string text, string? linkHref = null, string? linkText = null)
    {
        var body = $"<h1>{Html.E(heading)}</h1><p>{Html.E(text)}</p>";
        if (linkHref is not null)
        {
            body += $"<p><a href=\"{Html.E(linkHref)}\">{Html.E(linkText ?? linkHref)}</a></p>";
        }

        return Render(context, user, heading, body, statusCode);
    }

    public static ContentHttpResult NotFound(HttpContext context, CurrentUser? user) =>
        Message(context, user, StatusCodes.Status404NotFound, "Not found",
            "There is nothing here, or it is not shared with you.", "/titles", "Back to my titles");

    internal static ContentHttpResult Deactivated(HttpContext context) =>
        Message(context, null, StatusCodes.Status403Forbidden, "Your account is not active",
            "Your account was deactivated or removed. Ask a project manager if this is a mistake.", "/signin", "Sign in with another address");
}
