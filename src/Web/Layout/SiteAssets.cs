using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticAssets.Infrastructure;

namespace ClpMailGateway.Web.Layout;

/// <summary>The addresses of the files under wwwroot as <c>MapStaticAssets</c> serves them: the fingerprinted route
/// (cached for a year, immutable) when the build made one, else the plain path.</summary>
public sealed class SiteAssets
{
    private const string StyleSheetPath = "css/site.css";
    private const string UploadLimitPath = "js/upload-limit.js";

    public string StyleSheet { get; private set; } = "/" + StyleSheetPath;

    /// <summary>The script that checks a file's size before upload.</summary>
    public string UploadLimitScript { get; private set; } = "/" + UploadLimitPath;

    /// <summary>The script's SHA-256 as a CSP hash source (<c>sha256-…</c>), which is also its <c>integrity</c>: the
    /// Content-Security-Policy allows this one script and nothing else served from our origin, such as a download whose
    /// type a browser would run.</summary>
    public string UploadLimitIntegrity { get; private set; } = string.Empty;

    /// <summary>The Content-Security-Policy of every response.</summary>
    public string ContentSecurityPolicy { get; private set; } = Policy("'none'");

    internal void Load(IEndpointRouteBuilder endpoints, IWebHostEnvironment environment)
    {
        var descriptors = StaticAssetsEndpointDataSourceHelper.ResolveStaticAssetDescriptors(endpoints, null);
        StyleSheet = Fingerprinted(descriptors, StyleSheetPath) ?? StyleSheet;
        UploadLimitScript = Fingerprinted(descriptors, UploadLimitPath) ?? UploadLimitScript;
        var script = environment.WebRootFileProvider.GetFileInfo(UploadLimitPath);
        if (!script.Exists)
        {
            throw new InvalidOperationException($"wwwroot/{UploadLimitPath} is missing from the web's static files.");
        }

        using var stream = script.CreateReadStream();
        UploadLimitIntegrity = "sha256-" + Convert.ToBase64String(SHA256.HashData(stream));
        ContentSecurityPolicy = Policy($"'{UploadLimitIntegrity}'");
    }

    private static string Policy(string scriptSources) =>
        $"default-src 'self'; script-src {scriptSources}; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
        app.Services.GetRequiredService<SiteAssets>().Load(app, app.Environment);
        return app;
    }
}
