using ClpMailGateway.Following;
using ClpMailGateway.Links;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Conversations;

/// <summary>Follow, unfollow, mute and unmute a title or a channel (<see cref="FollowChoices"/>). Only what the user may
/// read: a title sharing no channel with them, or a channel they may not read, is refused as its page is (not found, or
/// 403 on a title they share), so a post learns nothing a page would not say. Antiforgery is checked by the group.</summary>
public static class FollowEndpoints
{
    public const string TitleFollow = WebRoutes.Title + "/follow";
    public const string ChannelFollow = WebRoutes.Channel + "/follow";

    public static RouteGroupBuilder MapFollowing(this RouteGroupBuilder group)
    {
        group.MapPost(TitleFollow, async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, TimeProvider time, string slug, [FromForm] string? choice, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var lowered = slug.Trim().ToLowerInvariant();
            var title = await db.Titles.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == lowered, cancellationToken);
            if (title is null || !(await ChannelAccess.AllOfTitleAsync(db, user.Id, title, cancellationToken)).Any(c => c.Decision.CanRead))
            {
                return Pages.NotFound(user);
            }

            if (Parse(choice) is not { } parsed)
            {
                return Refused(user, WebRoutes.TitlePath(title.Slug));
            }

            await FollowChoices.SetTitleAsync(db, user.Id, title.Id, parsed, time.GetUtcNow().UtcDateTime, cancellationToken);
            return TypedResults.Redirect(WebRoutes.TitlePath(title.Slug));
        });

        group.MapPost(ChannelFollow, async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, TimeProvider time, string slug, string key, [FromForm] string? choice, CancellationToken cancellationToken) =>
        {
            var (user, access, denied) = await ConversationEndpoints.OpenAsync(context, db, slug, key, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            if (Parse(choice) is not { } parsed)
            {
                return Refused(user!, access!.Path);
            }

            await FollowChoices.SetChannelAsync(db, user!.Id, access!.Channel.Id, parsed, time.GetUtcNow().UtcDateTime, cancellationToken);
            return TypedResults.Redirect(access.Path);
        });

        return group;
    }

    private static FollowChoice? Parse(string? choice) => choice switch
    {
        "follow" => FollowChoice.Follow,
        "unfollow" => FollowChoice.Unfollow,
        "mute" => FollowChoice.Mute,
        "unmute" => FollowChoice.Unmute,
        _ => null,
    };

    private static RazorComponentResult Refused(CurrentUser user, string back) =>
        Pages.Message(user, StatusCodes.Status400BadRequest, Phrase.Of<SharedStrings>("BadRequest"), Phrase.Of<ConversationStrings>("ChoiceUnknown"),
            back, Phrase.Of<ConversationStrings>("BackToTheTitle"));
}
