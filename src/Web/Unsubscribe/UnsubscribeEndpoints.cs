using System.Text;
using ClpMailGateway.Links;
using ClpMailGateway.Tokens;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Unsubscribe;

/// <summary>
/// Unsubscribe links, without a session or an antiforgery token (the signed token is the capability):
/// <c>POST /unsubscribe/{token}</c> with <c>List-Unsubscribe=One-Click</c> (RFC 8058) turns off what the token stands for
/// (a notification's: that channel of that title; a digest's: digests); <c>GET</c> shows what it will do, with a
/// button; the page after it offers the way back (<c>POST /unsubscribe/{token}/undo</c>) and the wider choices (the
/// whole title, that kind of channel on every title, all mail), each a signed link of its own.
/// </summary>
public static class UnsubscribeEndpoints
{
    public const string OneClickField = "List-Unsubscribe";
    public const string OneClickValue = "One-Click";

    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebRoutes.Unsubscribe, async Task<ContentHttpResult> (
            HttpContext context, UnsubscribeService unsubscribe, IOptions<ReplyTokenOptions> options, string token, CancellationToken cancellationToken) =>
        {
            var target = await unsubscribe.DescribeAsync(token, cancellationToken);
            if (!target.IsValid)
            {
                return Invalid(context);
            }

            var body = new StringBuilder()
                .Append("<h1>Stop mail from ").Append(Html.E(target.Description)).Append("?</h1>")
                .Append("<p>You will no longer get mail about new messages there. You can still read them on the web, and turn mail back on at any time.</p>")
                .Append(OneClickForm(WebRoutes.UnsubscribePath(token), "Stop this mail"));
            await AppendChoicesAsync(body, unsubscribe, options.Value, target.Target, cancellationToken);
            return Page.Render(context, null, "Unsubscribe", body.ToString());
        });

        app.MapPost(WebRoutes.Unsubscribe, async Task<ContentHttpResult> (
            HttpContext context, UnsubscribeService unsubscribe, IOptions<ReplyTokenOptions> options, string token, CancellationToken cancellationToken) =>
        {
            if (!(await unsubscribe.DescribeAsync(token, cancellationToken)).IsValid)
            {
                return Invalid(context);
            }

            if (!context.Request.HasFormContentType
                || (await context.Request.ReadFormAsync(cancellationToken))[OneClickField] != OneClickValue)
            {
                return Page.Message(context, null, StatusCodes.Status400BadRequest, "Not unsubscribed",
                    $"A one-click unsubscribe request carries {OneClickField}={OneClickValue} as a form.", WebRoutes.UnsubscribePath(token), "Unsubscribe with the button instead");
            }

            var result = await unsubscribe.ApplyAsync(token, cancellationToken);
            if (!result.IsValid)
            {
                return Invalid(context);
            }

            var body = new StringBuilder()
                .Append("<h1>Unsubscribed</h1><div class=\"notice\" role=\"status\"><p>No more mail from ").Append(Html.E(result.Description)).Append(".</p></div>")
                .Append("<form method=\"post\" action=\"").Append(Html.E(WebRoutes.UnsubscribePath(token))).Append("/undo\">")
                .Append("<button type=\"submit\" class=\"secondary\">Undo: send me this mail again</button></form>");
            await AppendChoicesAsync(body, unsubscribe, options.Value, result.Target, cancellationToken);
            return Page.Render(context, null, "Unsubscribed", body.ToString());
        }).DisableAntiforgery();

        app.MapPost(WebRoutes.Unsubscribe + "/undo", async Task<ContentHttpResult> (
            HttpContext context, UnsubscribeService unsubscribe, string token, CancellationToken cancellationToken) =>
        {
            var result = await unsubscribe.UndoAsync(token, cancellationToken);
            return result.IsValid
                ? Page.Message(context, null, StatusCodes.Status200OK, "Mail is on again",
                    $"You get mail from {result.Description} again.", WebRoutes.Settings, "Choose what you get in your settings")
                : Invalid(context);
        }).DisableAntiforgery();

        return app;
    }

    /// <summary>The wider choices after (or instead of) the link's own: each a one-click form of its own signed token.</summary>
    private static async Task AppendChoicesAsync(StringBuilder body, UnsubscribeService unsubscribe, ReplyTokenOptions options, UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        var choices = new List<(UnsubscribeTarget Target, string Label)>();
        if (await unsubscribe.TitleOfAsync(target, cancellationToken) is { } of)
        {
            if (target.Scope == UnsubscribeScope.Channel)
            {
                choices.Add((UnsubscribeTarget.ForTitle(target.UserId, of.TitleId), "Stop mail from every channel of this title"));
            }

            if (of.Kind is { } kind)
            {
                choices.Add((UnsubscribeTarget.ForKind(target.UserId, kind), $"Stop mail from the {UnsubscribeService.KindPlural(kind)} of every title"));
            }
        }

        if (target.Scope != UnsubscribeScope.All)
        {
            choices.Add((UnsubscribeTarget.ForAll(target.UserId), "Stop all mail about messages, mentions included"));
        }

        body.Append("<h2>More choices</h2><div class=\"actions\">");
        foreach (var (choice, label) in choices)
        {
            body.Append(OneClickForm(WebRoutes.UnsubscribePath(UnsubscribeTokenCodec.Encode(options, choice)), label, secondary: true));
        }

        body.Append("</div><p>Or <a href=\"").Append(WebRoutes.Settings).Append("\">choose exactly what you get in your settings</a> (sign-in needed).</p>");
    }

    private static string OneClickForm(string action, string label, bool secondary = false) =>
        $"<form method=\"post\" action=\"{Html.E(action)}\"><input type=\"hidden\" name=\"{OneClickField}\" value=\"{OneClickValue}\">"
        + $"<button type=\"submit\"{(secondary ? " class=\"secondary\"" : string.Empty)}>{Html.E(label)}</button></form>";

    private static ContentHttpResult Invalid(HttpContext context) =>
        Page.Message(context, null, StatusCodes.Status404NotFound, "This unsubscribe link is not valid",
            "It may have been cut off by your mail program, or it is too old. You can change which mails you get in your settings.", WebRoutes.Settings, "Open settings");
}
