using Microsoft.AspNetCore.StaticAssets.Infrastructure;

namespace ClpMailGateway.Web.Layout;

/// <summary>The addresses of the files under wwwroot as <c>MapStaticAssets</c> serves them: the fingerprinted route
/// (cached for a year, immutable) when the build made one, else the plain path.</summary>
public sealed class SiteAssets
{
    private const string StyleSheetPath = "css/site.css";
    private const string UploadLimitPath = "js/upload-limit.js";

    public string StyleSheet { get; private set; } = "/" + StyleSheetPath;

    /// <summary>The script that checks a file's size before upload (allowed by the Content-Security-Policy's
    /// <c>script-src 'self'</c>).</summary>
    public string UploadLimitScript { get; private set; } = "/" + UploadLimitPath;

    internal void Load(IEndpointRouteBuilder endpoints)
    {
        var descriptors = StaticAssetsEndpointDataSourceHelper.ResolveStaticAssetDescriptors(endpoints, null);
        StyleSheet = Fingerprinted(descriptors, StyleSheetPath) ?? StyleSheet;
        UploadLimitScript = Fingerprinted(descriptors, UploadLimitPath) ?? UploadLimitScript;
    }

    private static string? Fingerprinted(IEnumerable<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor> descriptors, string path)
    {
        var name = path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var fingerprinted = descriptors.FirstOrDefault(d => d.AssetPath.EndsWith(name, StringComparison.Ordinal)
            && d.Properties.Any(p => p.Name == "label" && p.Value == path)
            && d.Properties.Any(p => p.Name == "fingerprint")
            && d.Selectors.Count == 0);
        return fingerprinted is null ? null : "/" + fingerprinted.Route;
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
