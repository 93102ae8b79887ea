using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClpMailGateway.Web.Layout;

/// <summary>Pages as results of minimal-API handlers: a component rendered on the server with its status code.</summary>
public static class Pages
{
    public static RazorComponentResult Show<TComponent>(object parameters, int statusCode = StatusCodes.Status200OK)
        where TComponent : IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = statusCode };

    /// <summary>A page that says one thing: not found, not allowed, expired.</summary>
    public static RazorComponentResult Message(
        CurrentUser? user, int statusCode, Phrase heading, Phrase text, string? linkHref = null, Phrase? linkText = null) =>
        Show<MessagePage>(new { User = user, Heading = heading, Text = text, LinkHref = linkHref, LinkText = linkText }, statusCode);

    public static RazorComponentResult NotFound(CurrentUser? user) =>
        Message(user, StatusCodes.Status404NotFound, Phrase.Of<SharedStrings>("NotFound"), Phrase.Of<SharedStrings>("NotFoundText"),
            Links.WebRoutes.Titles, Phrase.Of<SharedStrings>("BackToMyTitles"));

    /// <summary>For a request whose cookie outlived its user (deactivated between the session check and the page).</summary>
    public static RazorComponentResult Deactivated() =>
        Message(null, StatusCodes.Status403Forbidden, Phrase.Of<SharedStrings>("Deactivated"), Phrase.Of<SharedStrings>("DeactivatedText"),
            Links.WebRoutes.SignIn, Phrase.Of<SharedStrings>("SignInWithAnotherAddress"));
}
