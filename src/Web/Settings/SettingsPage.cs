using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Settings;

internal static class SettingsPage
{
    public sealed record SuppressedAddress(string Address, DateTime SuppressedAtUtc, string? Detail);

    /// <summary>One of the user's addresses; <paramref name="Verified"/> false while its confirmation link is unused.</summary>
    public sealed record Address(string Value, bool IsPrimary, bool Verified);

    /// <summary>A channel (<paramref name="ChannelId"/>) or a whole title the user gets no mail from.</summary>
    public sealed record Mute(string Label, int? ChannelId, int? TitleId);

    public sealed record Model(
        bool IsInternal,
        bool InternalEnabled,
        IReadOnlyList<string> AvailableLanguages,
        IReadOnlySet<string> Languages,
        DeliveryMode Internal,
        DeliveryMode Broadcast,
        DeliveryMode Vendor,
        IReadOnlyList<Address> Addresses,
        IReadOnlyList<SuppressedAddress> Suppressed)
    {
        public bool MentionsEnabled { get; init; } = true;

        public IReadOnlyList<Mute> Mutes { get; init; } = [];
    }

    public static string Render(HttpContext context, Model model, IReadOnlyList<string> errors, string? notice)
    {
        var html = new StringBuilder("<h1>Settings</h1>");
        if (notice is not null)
        {
            html.Append("<div class=\"notice\" role=\"status\"><p>").Append(Html.E(notice)).Append("</p></div>");
        }

        if (errors.Count > 0)
        {
            html.Append("<div class=\"notice error\" role=\"alert\" id=\"settings-errors\"><p><strong>Nothing was saved:</strong></p>");
            foreach (var error in errors)
            {
                html.Append("<p>").Append(Html.E(error)).Append("</p>");
            }

            html.Append("</div>");
        }

        foreach (var suppressed in model.Suppressed)
        {
            html.Append("<section class=\"notice warn\" aria-labelledby=\"sup-h\"><h2 id=\"sup-h\">Mail to ").Append(Html.E(suppressed.Address)).Append(" is paused</h2>")
                .Append("<p>Mail to this address bounced on ").Append(Html.Time(suppressed.SuppressedAtUtc))
                .Append(suppressed.Detail is null ? string.Empty : $" ({Html.E(suppressed.Detail)})")
                .Append(", so no notifications are sent to it. Turn mail back on once the mailbox works again.</p>")
                .Append("<form method=\"post\" action=\"/settings/addresses/reenable\">").Append(Forms.Antiforgery(context))
                .Append("<input type=\"hidden\" name=\"address\" value=\"").Append(Html.E(suppressed.Address)).Append("\">")
                .Append("<button type=\"submit\">Send mail to ").Append(Html.E(suppressed.Address)).Append(" again</button></form></section>");
        }

        html.Append("<form method=\"post\" action=\"/settings\">").Append(Forms.Antiforgery(context));
        if (model.IsInternal)
        {
            html.Append("<fieldset><legend>Internal messages</legend><label class=\"check\"><input type=\"checkbox\" name=\"internalMessages\" value=\"on\"")
                .Append(model.InternalEnabled ? " checked" : string.Empty).Append("> Show the Internal channel of every title (staff only)</label></fieldset>");
        }

        html.Append("<fieldset><legend>My languages</legend>");
        if (model.AvailableLanguages.Count == 0)
        {
            html.Append("<p class=\"muted\">No language is assigned to your company yet.</p>");
        }

        foreach (var language in model.AvailableLanguages)
        {
            html.Append("<label class=\"check\"><input type=\"checkbox\" name=\"languages\" value=\"").Append(Html.E(language)).Append('"')
                .Append(model.Languages.Contains(language) ? " checked" : string.Empty).Append("> ")
                .Append(Html.E(ChannelNames.LanguageName(language))).Append(" <span class=\"muted\">(").Append(Html.E(language)).Append(")</span></label>");
        }

        html.Append("<p class=\"hint\">").Append(model.IsInternal
            ? "The languages you work on."
            : "You see a language's Vendor channel when your company is assigned it on a title and it is checked here.").Append("</p></fieldset>");

        html.Append("<fieldset><legend>Mail for new messages</legend><div class=\"grid\">");
        if (model.IsInternal)
        {
            Delivery(html, "internalDelivery", "Internal channels", model.Internal);
        }

        Delivery(html, "broadcastDelivery", "Broadcast channels", model.Broadcast);
        Delivery(html, "vendorDelivery", "Vendor channels", model.Vendor);
        Delivery(html, "mentionDelivery", "When someone mentions me", model.MentionsEnabled ? DeliveryMode.Immediate : DeliveryMode.Off, [DeliveryMode.Immediate, DeliveryMode.Off]);
        html.Append("</div><p class=\"hint\">Immediate: one mail per message. Digest: one summary mail. Off: no mail; you can still read everything here. ")
            .Append("A mention of you is mailed at once, whatever you chose for its channel, unless you turn mention mails off.</p></fieldset>")
            .Append("<div class=\"actions\"><button type=\"submit\">Save settings</button></div></form>");

        if (model.Mutes.Count > 0)
        {
            html.Append("<h2>Mail you turned off</h2><ul class=\"plain\">");
            foreach (var mute in model.Mutes)
            {
                html.Append("<li><form method=\"post\" action=\"/settings/mutes/remove\">").Append(Forms.Antiforgery(context))
                    .Append(mute.ChannelId is { } channelId ? $"<input type=\"hidden\" name=\"channelId\" value=\"{channelId}\">" : string.Empty)
                    .Append(mute.TitleId is { } titleId ? $"<input type=\"hidden\" name=\"titleId\" value=\"{titleId}\">" : string.Empty)
                    .Append(Html.E(mute.Label)).Append(" <button type=\"submit\" class=\"secondary\">Send me its mail again</button></form></li>");
            }

            html.Append("</ul>");
        }

        html.Append("<h2>Your addresses</h2><p class=\"hint\">Replies by mail are accepted from your confirmed addresses, and you can sign in with any of them. Notifications go to the primary one.</p><ul class=\"plain\">");
        foreach (var address in model.Addresses)
        {
            html.Append("<li>").Append(Html.E(address.Value))
                .Append(address.IsPrimary ? " <span class=\"badge\">primary</span>" : string.Empty)
                .Append(address.Verified ? string.Empty : " <span class=\"badge\">waiting for confirmation: open the link we mailed to it</span>");
            if (!address.IsPrimary)
            {
                html.Append(" <form class=\"inline\" method=\"post\" action=\"/settings/addresses/remove\">").Append(Forms.Antiforgery(context))
                    .Append("<input type=\"hidden\" name=\"address\" value=\"").Append(Html.E(address.Value)).Append("\">")
                    .Append("<button type=\"submit\" class=\"secondary\">Remove</button></form>");
            }

            html.Append("</li>");
        }

        html.Append("</ul><form method=\"post\" action=\"/settings/addresses\" class=\"panel\">").Append(Forms.Antiforgery(context))
            .Append("<label for=\"new-address\">Add an address you send mail from</label><div class=\"row\">")
            .Append("<input type=\"email\" id=\"new-address\" name=\"address\" maxlength=\"254\" autocomplete=\"email\" aria-describedby=\"new-address-hint\">")
            .Append("<button type=\"submit\">Add</button></div>")
            .Append("<p class=\"hint\" id=\"new-address-hint\">We mail a link to it; the address counts as yours once you open it.</p></form>");
        html.Append("<h2>Sessions</h2><form method=\"post\" action=\"/settings/signout-everywhere\">").Append(Forms.Antiforgery(context))
            .Append("<p class=\"hint\">Signed in on a computer you no longer use? This ends every session of yours, this one too.</p>")
            .Append("<button type=\"submit\" class=\"secondary\">Sign out everywhere</button></form>");
        return html.ToString();
    }

    private static void Delivery(StringBuilder html, string name, string label, DeliveryMode value, DeliveryMode[]? modes = null)
    {
        html.Append("<div><label for=\"").Append(name).Append("\">").Append(Html.E(label)).Append("</label><select id=\"").Append(name)
            .Append("\" name=\"").Append(name).Append("\">");
        foreach (var mode in modes ?? [DeliveryMode.Immediate, DeliveryMode.Digest, DeliveryMode.Off])
        {
            html.Append("<option value=\"").Append(mode.ToString().ToLowerInvariant()).Append('"').Append(mode == value ? " selected" : string.Empty)
                .Append('>').Append(mode.ToString()).Append("</option>");
        }

        html.Append("</select></div>");
    }
}
