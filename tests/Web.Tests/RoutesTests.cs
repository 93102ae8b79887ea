using ClpMailGateway.Links;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests;

/// <summary>Every address mails and pages link to (built by <see cref="WebRoutes"/>) is one the web serves: it matches a
/// route of the running app's endpoint table.</summary>
[Trait("Database", "Indifferent")]
public sealed class RoutesTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> Links() =>
    [
        WebRoutes.TitlePath("blue-harbor-s2"),
        WebRoutes.ChannelPath("blue-harbor-s2", "vendor-pt-br"),
        WebRoutes.MessagePath("blue-harbor-s2", "vendor-fr", 42).Split('#')[0],
        WebRoutes.AttachmentPath(9),
        WebRoutes.SignInLinkPath("abc-_123"),
        WebRoutes.UnsubscribePath("k1_abcdef"),
        WebRoutes.AddressVerificationPath("abc-_123"),
        WebRoutes.QuarantinedMailPath(5),
        WebRoutes.Settings,
        WebRoutes.Titles,
        WebRoutes.SignIn,
    ];

    [Theory]
    [MemberData(nameof(Links))]
    public void Link_MatchesAGetRouteOfTheWeb(string path)
    {
        using var client = _app.Client(); // builds the app
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true)
            .ToList();

        var matches = endpoints.Where(e => new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!), new RouteValueDictionary())
            .TryMatch(path, new RouteValueDictionary())).ToList();

        Assert.True(matches.Count > 0, $"no GET route of the web serves {path}");
    }
}
