using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Home;

/// <summary>The landing page: what this system is and how to sign in; in demo mode also the titles, their channels and
/// the accounts to try. Every value is HTML-encoded.</summary>
internal static class HomePage
{
    public sealed record ChannelRow(string Key, ChannelKind Kind, string? Language, int Messages);

    public sealed record TitleRow(string Name, string Slug, IReadOnlyList<ChannelRow> Channels);

    public sealed record UserRow(string Name, string Email, UserRole Role, string? Vendor);

    /// <param name="mailServer">Host and port of the IMAP server that holds the demo mailboxes.</param>
    public static string Render(bool signedIn, IReadOnlyList<TitleRow>? titles, IReadOnlyList<UserRow>? users, string? mailServer)
    {
        var html = new StringBuilder();
        html.Append("""
            <h1>CLP Mail Gateway</h1>
            <p>Project messaging for localization titles, by email. Every message posted in a channel is mailed to the
            people who may read it; a plain reply to that mail lands back in the right channel.</p>
            <p class="muted">Each title has an <strong>Internal</strong> channel (staff only), a <strong>Broadcast</strong>
            channel (staff to every vendor) and one <strong>Vendor</strong> channel per language.</p>
            """);
        html.Append(signedIn
            ? "<p><a class=\"button\" href=\"/titles\">Go to my titles</a></p>"
            : "<h2>Sign in</h2><p>No password: enter your work address and we mail you a link that signs you in.</p><p><a class=\"button\" href=\"/signin\">Sign in</a></p>");

        if (titles is not null)
        {
            html.Append("<h2>Titles</h2>");
            if (titles.Count == 0)
            {
                html.Append("<p>No titles yet. Run <code>MailGateway seed-demo</code> to create the demo data.</p>");
            }

            foreach (var title in titles)
            {
                html.Append("<section><h3>").Append(Html.E(title.Name)).Append(" <span class=\"muted\">(").Append(Html.E(title.Slug))
                    .Append(")</span></h3><div class=\"table-wrap\"><table><thead><tr><th>Channel</th><th>Key</th><th>Messages</th></tr></thead><tbody>");
                foreach (var channel in title.Channels)
                {
                    var name = channel.Kind switch
                    {
                        ChannelKind.Internal => "Internal",
                        ChannelKind.Broadcast => "Broadcast",
                        _ => $"Vendor · {ChannelNames.LanguageName(channel.Language!)}",
                    };
                    html.Append("<tr><td>").Append(Html.E(name)).Append("</td><td><code>").Append(Html.E(channel.Key))
                        .Append("</code></td><td>").Append(channel.Messages).Append("</td></tr>");
                }

                html.Append("</tbody></table></div></section>");
            }
        }

        if (users is not null)
        {
            html.Append("<h2>Demo accounts</h2><p class=\"muted\">On the demo mail servers every address below has a mailbox (IMAP ")
                .Append(Html.E(mailServer)).Append(", password <code>demo</code>); ")
                .Append("in demo mode the sign-in page also lets you pick one directly.</p>");
            html.Append("<div class=\"table-wrap\"><table><thead><tr><th>Name</th><th>Address</th><th>Role</th><th>Vendor</th></tr></thead><tbody>");
            foreach (var user in users)
            {
                html.Append("<tr><td>").Append(Html.E(user.Name)).Append("</td><td>").Append(Html.E(user.Email)).Append("</td><td>")
                    .Append(Html.E(user.Role.ToString().ToUpperInvariant())).Append("</td><td>").Append(Html.E(user.Vendor ?? "—")).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        return html.ToString();
    }
}
