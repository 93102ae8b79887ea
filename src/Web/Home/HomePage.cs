using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Web.Home;

/// <summary>The landing page: what this system is, the titles and their channels, and the accounts to try.
/// Every value is HTML-encoded.</summary>
internal static class HomePage
{
    public sealed record ChannelRow(string Key, ChannelKind Kind, string? Language, int Messages);

    public sealed record TitleRow(string Name, string Slug, IReadOnlyList<ChannelRow> Channels);

    public sealed record UserRow(string Name, string Email, UserRole Role, string? Vendor);

    // Markup characters are always encoded; letters of every script stay readable in the page source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Render(IReadOnlyList<TitleRow> titles, IReadOnlyList<UserRow> users)
    {
        var e = Encoder;
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>CLP Mail Gateway</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.5; color: #1a1a1a; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
            table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; }
            code { background: #f3f3f3; padding: 0 .2rem; } .muted { color: #555; }
            </style>
            </head>
            <body>
            <main>
            <h1>CLP Mail Gateway</h1>
            <p>Project messaging for localization titles, by email. Every message posted in a channel is mailed to the
            people who may read it; a plain reply to that mail lands back in the right channel.</p>
            <p class="muted">Each title has an <strong>Internal</strong> channel (staff only), a <strong>Broadcast</strong>
            channel (staff to every vendor) and one <strong>Vendor</strong> channel per language.</p>
            """);

        html.Append("<h2>Titles</h2>");
        if (titles.Count == 0)
        {
            html.Append("<p>No titles yet. Run <code>MailGateway seed-demo</code> to create the demo data.</p>");
        }

        foreach (var title in titles)
        {
            html.Append("<section><h3>").Append(e.Encode(title.Name)).Append(" <span class=\"muted\">(").Append(e.Encode(title.Slug))
                .Append(")</span></h3><table><thead><tr><th>Channel</th><th>Key</th><th>Messages</th></tr></thead><tbody>");
            foreach (var channel in title.Channels)
            {
                var name = channel.Kind switch
                {
                    ChannelKind.Internal => "Internal",
                    ChannelKind.Broadcast => "Broadcast",
                    _ => $"Vendor · {ChannelNames.LanguageName(channel.Language!)}",
                };
                html.Append("<tr><td>").Append(e.Encode(name)).Append("</td><td><code>").Append(e.Encode(channel.Key))
                    .Append("</code></td><td>").Append(channel.Messages).Append("</td></tr>");
            }

            html.Append("</tbody></table></section>");
        }

        html.Append("<h2>Accounts</h2><p class=\"muted\">On the demo mail servers every address below has a mailbox (IMAP 127.0.0.1:1143, password <code>demo</code>).</p>");
        html.Append("<table><thead><tr><th>Name</th><th>Address</th><th>Role</th><th>Vendor</th></tr></thead><tbody>");
        foreach (var user in users)
        {
            html.Append("<tr><td>").Append(e.Encode(user.Name)).Append("</td><td>").Append(e.Encode(user.Email)).Append("</td><td>")
                .Append(e.Encode(user.Role.ToString().ToUpperInvariant())).Append("</td><td>").Append(e.Encode(user.Vendor ?? "—")).Append("</td></tr>");
        }

        html.Append("</tbody></table></main></body></html>");
        return html.ToString();
    }
}
