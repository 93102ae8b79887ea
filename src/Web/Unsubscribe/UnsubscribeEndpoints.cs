using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Unsubscribe;

/// <summary>RFC 8058 one-click unsubscribe: <c>POST /unsubscribe/{token}</c> with <c>List-Unsubscribe=One-Click</c> turns off
/// mail for one channel kind, without a session or an antiforgery token (the signed token is the capability);
/// <c>GET</c> shows what it will do and a button.</summary>
public static class UnsubscribeEndpoints
{
    public const string OneClickField = "List-Unsubscribe";
    public const string OneClickValue = "One-Click";

    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/unsubscribe");

        group.MapGet("/{token}", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, IOptions<ReplyTokenOptions> options, string token, CancellationToken cancellationToken) =>
        {
            var target = await ResolveAsync(db, options.Value, token, cancellationToken);
            if (target is null)
            {
                return Invalid(context);
            }

            var body = $"<h1>Stop mail from {Html.E(KindName(target.Value.Kind))}?</h1>"
                + $"<p>{Html.E(target.Value.Email)} will no longer get mail for new messages in {Html.E(KindName(target.Value.Kind))} of any title. "
                + "You can still read them on the web, and turn mail back on in your settings.</p>"
                + $"<form method=\"post\" action=\"/unsubscribe/{Html.Segment(token)}\"><input type=\"hidden\" name=\"{OneClickField}\" value=\"{OneClickValue}\">"
                + "<button type=\"submit\">Stop these mails</button></form>";
            return Page.Render(context, null, "Unsubscribe", body);
        });

        group.MapPost("/{token}", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, IOptions<ReplyTokenOptions> options, UnsubscribeService unsubscribe, string token, CancellationToken cancellationToken) =>
        {
            var target = await ResolveAsync(db, options.Value, token, cancellationToken);
            if (target is null)
            {
                return Invalid(context);
            }

            if (!context.Request.HasFormContentType
                || (await context.Request.ReadFormAsync(cancellationToken))[OneClickField] != OneClickValue)
            {
                return Page.Message(context, null, StatusCodes.Status400BadRequest, "Not unsubscribed",
                    $"A one-click unsubscribe request carries {OneClickField}={OneClickValue} as a form.", $"/unsubscribe/{Uri.EscapeDataString(token)}", "Unsubscribe with the button instead");
            }

            var result = await unsubscribe.ApplyAsync(token, cancellationToken);
            if (!result.IsValid)
            {
                return Invalid(context);
            }

            var kind = result.Kind;
            return Page.Message(context, null, StatusCodes.Status200OK, "Unsubscribed",
                $"No more mail for new messages in {KindName(kind)}. You can turn it back on in your settings.", "/settings", "Open settings");
        }).DisableAntiforgery();

        return app;
    }

    private static async Task<(int UserId, ChannelKind Kind, string Email)?> ResolveAsync(
        GatewayDbContext db, ReplyTokenOptions options, string token, CancellationToken cancellationToken)
    {
        if (!UnsubscribeTokenCodec.TryVerify(options, token, out var userId, out var kind))
        {
            return null;
        }

        var email = await db.UserEmails.AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id)
            .Select(e => e.Address).FirstOrDefaultAsync(cancellationToken);
        return email is null ? null : (userId, kind, email);
    }

    private static string KindName(ChannelKind kind) => kind switch
    {
        ChannelKind.Internal => "Internal channels",
        ChannelKind.Broadcast => "Broadcast channels",
        _ => "Vendor channels",
    };

    private static ContentHttpResult Invalid(HttpContext context) =>
        Page.Message(context, null, StatusCodes.Status404NotFound, "This unsubscribe link is not valid",
            "It may have been cut off by your mail program, or it is too old. You can change which mails you get in your settings.", "/settings", "Open settings");
}
