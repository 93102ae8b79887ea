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
        app.MapGet(WebRoutes.Unsubscribe, async Task<RazorComponentResult> (
            UnsubscribeService unsubscribe, IOptions<ReplyTokenOptions> options, string token, CancellationToken cancellationToken) =>
        {
            var target = await unsubscribe.DescribeAsync(token, cancellationToken);
            if (!target.IsValid)
            {
                return Invalid();
            }

            return Pages.Show<UnsubscribePage>(new
            {
                Action = WebRoutes.UnsubscribePath(token),
                Description = UnsubscribeText.Of(target.Subject!),
                Choices = await ChoicesAsync(unsubscribe, options.Value, target.Target, cancellationToken),
            });
        });

        app.MapPost(WebRoutes.Unsubscribe, async Task<RazorComponentResult> (
            HttpContext context, UnsubscribeService unsubscribe, IOptions<ReplyTokenOptions> options, string token, CancellationToken cancellationToken) =>
        {
            if (!(await unsubscribe.DescribeAsync(token, cancellationToken)).IsValid)
            {
                return Invalid();
            }

            if (!context.Request.HasFormContentType
                || (await context.Request.ReadFormAsync(cancellationToken))[OneClickField] != OneClickValue)
            {
                return Pages.Message(null, StatusCodes.Status400BadRequest, Phrase.Of<UnsubscribeStrings>("NotUnsubscribed"),
                    Phrase.Of<UnsubscribeStrings>("NotUnsubscribedText", $"{OneClickField}={OneClickValue}"), WebRoutes.UnsubscribePath(token),
                    Phrase.Of<UnsubscribeStrings>("UseTheButton"));
            }

            var result = await unsubscribe.ApplyAsync(token, cancellationToken);
            if (!result.IsValid)
            {
                return Invalid();
            }

            return Pages.Show<UnsubscribePage>(new
            {
                Action = WebRoutes.UnsubscribePath(token),
                Description = UnsubscribeText.Of(result.Subject!),
                Done = true,
                Choices = await ChoicesAsync(unsubscribe, options.Value, result.Target, cancellationToken),
            });
        }).DisableAntiforgery();

        app.MapPost(WebRoutes.Unsubscribe + "/undo", async Task<RazorComponentResult> (
            UnsubscribeService unsubscribe, string token, CancellationToken cancellationToken) =>
        {
            var result = await unsubscribe.UndoAsync(token, cancellationToken);
            return result.IsValid
                ? Pages.Message(null, StatusCodes.Status200OK, Phrase.Of<UnsubscribeStrings>("MailOnAgain"),
                    Phrase.Of<UnsubscribeStrings>("MailOnAgainText", UnsubscribeText.Of(result.Subject!)), WebRoutes.Settings, Phrase.Of<UnsubscribeStrings>("ChooseInSettings"))
                : Invalid();
        }).DisableAntiforgery();

        return app;
    }

    /// <summary>The wider choices after (or instead of) the link's own: each a one-click form of its own signed token.</summary>
    private static async Task<IReadOnlyList<UnsubscribePage.Choice>> ChoicesAsync(
        UnsubscribeService unsubscribe, ReplyTokenOptions options, UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        var choices = new List<(UnsubscribeTarget Target, Phrase Label)>();
        if (await unsubscribe.TitleOfAsync(target, cancellationToken) is { } of)
        {
            if (target.Scope == UnsubscribeScope.Channel)
            {
                choices.Add((UnsubscribeTarget.ForTitle(target.UserId, of.TitleId), Phrase.Of<UnsubscribeStrings>("StopEveryChannel")));
            }

            if (of.Kind is { } kind)
            {
                choices.Add((UnsubscribeTarget.ForKind(target.UserId, kind), Phrase.Of<UnsubscribeStrings>("StopKind" + kind)));
            }
        }

        if (target.Scope != UnsubscribeScope.All)
        {
            choices.Add((UnsubscribeTarget.ForAll(target.UserId), Phrase.Of<UnsubscribeStrings>("StopAll")));
        }

        return choices.Select(c => new UnsubscribePage.Choice(WebRoutes.UnsubscribePath(UnsubscribeTokenCodec.Encode(options, c.Target)), c.Label)).ToList();
    }

    private static RazorComponentResult Invalid() =>
        Pages.Message(null, StatusCodes.Status404NotFound, Phrase.Of<UnsubscribeStrings>("InvalidLink"), Phrase.Of<UnsubscribeStrings>("InvalidLinkText"),
            WebRoutes.Settings, Phrase.Of<UnsubscribeStrings>("OpenSettings"));
}
