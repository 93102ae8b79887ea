using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClpMailGateway.Web.Layout;

public static class AssetEndpoints
{
    private static readonly string CssVersion = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SiteCss.Text)))[..12];

    /// <summary>Versioned by content, so it can be cached for a year.</summary>
    public static string CssPath { get; } = $"/assets/site.{CssVersion}.css";

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/site.{version}.css", ContentHttpResult (HttpContext context, string version) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return TypedResults.Content(SiteCss.Text, "text/css; charset=utf-8", Encoding.UTF8);
        });
        return app;
    }
}
