using Microsoft.AspNetCore.StaticAssets.Infrastructure;

namespace ClpMailGateway.Web.Layout;

/// <summary>The addresses of the files under wwwroot as <c>MapStaticAssets</c> serves them: the fingerprinted route
/// (cached for a year, immutable) when the build made one, else the plain path.</summary>
public sealed class SiteAssets
{
    private const string StyleSheetPath = "css/site.css";

    public string StyleSheet { get; private set; } = "/" + StyleSheetPath;

    internal void Load(IEndpointRouteBuilder endpoints)
    {
        var fingerprinted = StaticAssetsEndpointDataSourceHelper.ResolveStaticAssetDescriptors(endpoints, null)
            .FirstOrDefault(d => d.AssetPath.EndsWith(StyleSheetPath[4..], StringComparison.Ordinal)
                && d.Properties.Any(p => p.Name == "label" && p.Value == StyleSheetPath)
                && d.Properties.Any(p => p.Name == "fingerprint")
                && d.Selectors.Count == 0);
        if (fingerprinted is not null)
        {
            StyleSheet = "/" + fingerprinted.Route;
        }
    }
}

/// <summary>Static files wired in one place.</summary>
public static class SiteAssetsSetup
{
    /// <summary>Serves wwwroot (MapStaticAssets: compressed variants, ETags, fingerprinted routes) and tells the layout
    /// the stylesheet's route.</summary>
    public static WebApplication MapSiteAssets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapStaticAssets();
        app.Services.GetRequiredService<SiteAssets>().Load(app);
        return app;
    }
}
