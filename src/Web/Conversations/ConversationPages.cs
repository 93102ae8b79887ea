using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Links;
using ClpMailGateway.Posting;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Conversations;

internal static class ConversationPages
{
    public sealed record AttachmentRow(long Id, string FileName, long SizeBytes);

    public sealed record MessageRow(long Id, string Author, string Text, MessageOrigin Origin, DateTime CreatedAtUtc, IReadOnlyList<AttachmentRow> Attachments);

    /// <summary>Breadcrumbs, heading and the keyword search box that tops every conversation.</summary>
    public static void Header(StringBuilder html, ChannelAccess access, string? query)
    {
        html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/titles\">My titles</a></li><li><a href=\"/titles/")
            .Append(Html.Segment(access.Title.Slug)).Append("\">").Append(Html.E(access.Title.Name)).Append("</a></li><li aria-current=\"page\">")
            .Append(Html.E(access.Name)).Append("</li></ol></nav>")
            .Append("<h1>").Append(Html.E(access.Name)).Append("<span class=\"sub\">").Append(Html.E(access.Title.Name)).Append(" · ")
            .Append(Html.E(TitleEndpoints.Purpose(access.Channel.Kind))).Append("</span></h1>")
            .Append("<form role=\"search\" method=\"get\" action=\"").Append(Html.E(access.Path)).Append("/search\">")
            .Append("<label for=\"q\">Search this conversation</label><div class=\"row\">")
            .Append("<input type=\"search\" id=\"q\" name=\"q\" maxlength=\"200\" value=\"").Append(Html.E(query)).Append("\" aria-describedby=\"q-hint\">")
            .Append("<button type=\"submit\">Search</button></div>")
            .Append("<p class=\"hint\" id=\"q-hint\">Words in any order; \"quotes\" for a phrase; word* for words starting with it.</p></form>");
    }

    public static string Conversation(
        HttpContext context, ChannelAccess access, IReadOnlyList<MessageRow> messages, long? olderBefore, bool isFirstPage,
        string? text, IReadOnlyList<string> errors, IReadOnlyList<string> notices)
    {
        var html = new StringBuilder();
        Header(html, access, null);
        foreach (var notice in notices)
        {
            html.Append("<div class=\"notice\" role=\"status\"><p>").Append(Html.E(notice)).Append("</p></div>");
        }

        if (access.Decision.CanPost)
        {
            html.Append("<section aria-labelledby=\"post-h\" class=\"panel\"><h2 id=\"post-h\">New message</h2>");
            if (errors.Count > 0)
            {
                html.Append("<div class=\"notice error\" role=\"alert\" id=\"post-error\">");
                foreach (var error in errors)
                {
                    html.Append("<p>").Append(Html.E(error)).Append("</p>");
                }

                html.Append("</div>");
            }

            html.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(Html.E(access.Path)).Append("/messages\">")
                .Append(Forms.Antiforgery(context))
                .Append("<label for=\"text\">Message</label><textarea id=\"text\" name=\"text\" rows=\"4\" maxlength=\"").Append(PostingLimits.MaxTextLength).Append('"')
                .Append(errors.Count > 0 ? " aria-describedby=\"post-error\"" : string.Empty).Append('>').Append(Html.E(text)).Append("</textarea>")
                .Append("<p class=\"hint\">Mention people with @name; everyone who may read this channel gets it by mail.</p>")
                .Append("<label for=\"files\">Attachments</label><input type=\"file\" id=\"files\" name=\"files\" multiple aria-describedby=\"files-hint\">")
                .Append("<p class=\"hint\" id=\"files-hint\">Each file at most ").Append(Html.E(PostingLimits.Describe(PostingLimits.MaxAttachmentBytes)))
                .Append(", at most ").Append(PostingLimits.MaxAttachments).Append(" files.</p>")
                .Append("<div class=\"actions\"><button type=\"submit\">Post</button></div></form></section>");
        }
        else
        {
            html.Append("<p class=\"notice warn\">You can read this channel but not post here: ").Append(Html.E(access.Decision.PostDeniedReason)).Append(".</p>");
        }

        html.Append("<section aria-labelledby=\"messages-h\"><h2 id=\"messages-h\">Messages <span class=\"muted\">(newest first)</span></h2>");
        if (messages.Count == 0)
        {
            html.Append(isFirstPage ? "<p>No messages yet.</p>" : "<p>No older messages.</p>");
        }

        html.Append("<ol class=\"messages\">");
        foreach (var message in messages)
        {
            Message(html, message, message.Text, highlighted: false);
        }

        html.Append("</ol>");
        if (!isFirstPage || olderBefore is not null)
        {
            html.Append("<nav class=\"pager actions\" aria-label=\"Pages\">");
            if (!isFirstPage)
            {
                html.Append("<a href=\"").Append(Html.E(access.Path)).Append("\">Newest messages</a>");
            }

            if (olderBefore is { } before)
            {
                html.Append("<a href=\"").Append(Html.E(access.Path)).Append("?before=").Append(before).Append("\">Older messages</a>");
            }

            html.Append("</nav>");
        }

        html.Append("</section>");
        return html.ToString();
    }

    /// <summary>One message. <paramref name="markup"/> is either the plain text (encoded here) or, for search hits,
    /// markup already built by the highlighter.</summary>
    public static void Message(StringBuilder html, MessageRow message, string markup, bool highlighted)
    {
        html.Append("<li id=\"m").Append(message.Id).Append("\"><article aria-label=\"Message from ").Append(Html.E(message.Author)).Append("\">")
            .Append("<div class=\"msg-head\"><span class=\"author\">").Append(Html.E(message.Author)).Append("</span>")
            .Append(message.Origin == MessageOrigin.Email ? "<span class=\"badge email\">by email</span>" : "<span class=\"badge\">on the web</span>")
            .Append(Html.Time(message.CreatedAtUtc)).Append("</div><p class=\"text\">")
            .Append(highlighted ? markup : Html.E(markup)).Append("</p>");
        if (message.Attachments.Count > 0)
        {
            html.Append("<ul class=\"files\" aria-label=\"Attachments\">");
            foreach (var file in message.Attachments)
            {
                html.Append("<li><a href=\"").Append(WebRoutes.AttachmentPath(file.Id)).Append("\" download>").Append(Html.E(ConversationEndpoints.ShownName(file.FileName)))
                    .Append(" <span class=\"muted\">(").Append(Html.E(Html.Size(file.SizeBytes))).Append(")</span></a></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</article></li>");
    }
}
