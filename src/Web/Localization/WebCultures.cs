using System.Globalization;
using System.Security.Claims;
using ClpMailGateway.Localization;
using ClpMailGateway.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Localization;

/// <summary>The languages the web speaks, and how a request picks one: the user's choice in settings, else the
/// browser's Accept-Language (a regional tag falls back to its parent, zh-TW to zh-Hant), else English.</summary>
public static class WebCultures
{
    public const string Default = "en";

    /// <summary>BCP 47 tags of the shipped translations, in the order the settings page lists them.</summary>
    public static IReadOnlyList<string> Supported => MailLanguages.Supported;

    /// <summary>The longest tag a user may send for the setting; anything longer is refused before it is parsed.</summary>
    public const int MaxTagLength = MailLanguages.MaxTagLength;

    /// <summary>The shipped tag that <paramref name="value"/> names (case-insensitive), or null.</summary>
    public static string? Find(string? value) => MailLanguages.Find(value);

    /// <summary>A language's own name for itself ("Français", "日本語"), which is how people look for their language.</summary>
    public static string NativeName(string tag) => MailLanguages.NativeName(tag);

    public static IServiceCollection AddWebLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Supported.Select(CultureInfo.GetCultureInfo).ToList();
            options.DefaultRequestCulture = new RequestCulture(Default);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.ApplyCurrentCultureToResponseHeaders = true;
            options.RequestCultureProviders = [new UserSettingCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 5 }];
        });
        return services;
    }

    /// <summary>Runs before the status pages, so that they too speak the reader's language.</summary>
    public static IApplicationBuilder UseWebLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();

    /// <summary>The language a signed-in user chose in settings (null there means: follow the browser).</summary>
    private sealed class UserSettingCultureProvider : RequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            // The cookie is read here, ahead of the authentication middleware, which then reuses this result.
            var result = await httpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (!result.Succeeded || !int.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
            {
                return null;
            }

            var db = httpContext.RequestServices.GetRequiredService<GatewayDbContext>();
            var language = await db.UserSettings.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Language)
                .FirstOrDefaultAsync(httpContext.RequestAborted);
            return Find(language) is { } tag ? new ProviderCultureResult(tag) : null;
        }
    }
}
