using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.SignIn;

internal static class SignInPages
{
    public sealed record DemoAccount(int Id, string Name, string Email, UserRole Role, string? Vendor);

    public static string Form(HttpContext context, string? returnUrl, string? email, string? error, IReadOnlyList<DemoAccount>? demoAccounts)
    {
        var html = new StringBuilder();
        html.Append("<h1>Sign in</h1><p>Enter your work address. We mail you a link that signs you in; it works once, within 15 minutes. No password needed.</p>");
        if (error is not null)
        {
            html.Append("<div class=\"notice error\" role=\"alert\"><p>").Append(Html.E(error)).Append("</p></div>");
        }

        html.Append("<form method=\"post\" action=\"/signin\" class=\"panel\">").Append(Forms.Antiforgery(context))
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(Html.E(returnUrl)).Append("\">")
            .Append("<label for=\"email\">Email address</label>")
            .Append("<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" required maxlength=\"254\" value=\"").Append(Html.E(email)).Append('"')
            .Append(error is not null ? " aria-invalid=\"true\"" : string.Empty).Append('>')
            .Append("<div class=\"actions\"><button type=\"submit\">Mail me a sign-in link</button></div></form>");

        if (demoAccounts is not null)
        {
            html.Append("<section aria-labelledby=\"demo-h\"><h2 id=\"demo-h\">Demo: sign in as</h2>")
                .Append("<p class=\"muted\">This installation runs in demo mode, so you can pick an account without mail.</p>")
                .Append("<form method=\"post\" action=\"/signin/demo\">").Append(Forms.Antiforgery(context))
                .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(Html.E(returnUrl)).Append("\"><ul class=\"accounts\">");
            foreach (var account in demoAccounts)
            {
                var role = account.Role == UserRole.Vendor ? $"Vendor · {account.Vendor}" : account.Role.ToString().ToUpperInvariant();
                html.Append("<li><button type=\"submit\" name=\"userId\" value=\"").Append(account.Id).Append("\"><strong>")
                    .Append(Html.E(account.Name)).Append("</strong><span class=\"muted\">").Append(Html.E(account.Email)).Append(" · ")
                    .Append(Html.E(role)).Append("</span></button></li>");
            }

            html.Append("</ul></form></section>");
        }

        return html.ToString();
    }

    public static string Sent(string email) =>
        $"<h1>Check your mail</h1><div class=\"notice\" role=\"status\"><p>If <strong>{Html.E(email)}</strong> belongs to an account, a sign-in link is on its way. "
        + "It works once, within 15 minutes.</p></div><p class=\"muted\">Nothing arrived after a few minutes? Check the spam folder, "
        + "or <a href=\"/signin\">ask for another link</a>.</p>";

    public static string Confirm(HttpContext context, string secret, string email, string? returnUrl) =>
        $"<h1>Sign in</h1><p>Sign in as <strong>{Html.E(email)}</strong>?</p><form method=\"post\" action=\"/signin/link/{Html.Segment(secret)}"
        + (returnUrl is null ? string.Empty : "?ReturnUrl=" + Html.E(Uri.EscapeDataString(returnUrl))) + "\">"
        + Forms.Antiforgery(context)
        + "<input type=\"hidden\" name=\"confirm\" value=\"yes\"><button type=\"submit\">Sign in</button></form>"
        + "<p class=\"muted\">The link works once. This extra step keeps mail scanners that open links from using it up.</p>";
}
