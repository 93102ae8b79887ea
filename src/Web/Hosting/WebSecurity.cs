using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Hosting;

/// <summary>
/// The web's production posture: forwarded headers believed from configured proxies only (so the scheme is https
/// behind a TLS proxy, cookies get Secure and HSTS is sent), per-client rate limits on sign-in, search and posting,
/// sessions a user can end on the server (a security stamp in the cookie, checked on every request), and small bodies
/// for everything but the upload.
/// </summary>
public static class WebSecurity
{
    public const string StampClaim = "clp:stamp";
    public const string SignInPolicy = "signin";
    public const string SearchPolicy = "search";
    public const string PostingPolicy = "posting";

    /// <summary>What an anonymous or ordinary form may send; the upload endpoint allows more.</summary>
    public const long SmallBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddWebSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebOptions>>((forwarded, web) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core believes loopback by default; only what is configured is believed here.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in web.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in web.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.ExcludedHosts.Clear(); // sent on every HTTPS answer; browsers ignore it for IP addresses anyway
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(context), _ => Window(context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.SignInRequestsPerMinute)));
            limiter.AddPolicy(SearchPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                UserKey(context), _ => Window(context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.SearchesPerMinute)));
            limiter.AddPolicy(PostingPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                UserKey(context), _ => Window(context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.PostsPerMinute)));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>The cookie's checks: the session's security stamp must be the user's current one (sign-out, "sign out
    /// everywhere" and deactivation change it), and the cookie is Secure whenever the request is HTTPS.</summary>
    public static void ConfigureSession(CookieAuthenticationOptions cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
            var stamp = context.Principal?.FindFirstValue(StampClaim);
            var db = context.HttpContext.RequestServices.GetRequiredService<GatewayDbContext>();
            var valid = int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) && stamp is not null
                && await db.Users.AsNoTracking().AnyAsync(u => u.Id == userId && u.IsActive && u.SecurityStamp == stamp, context.HttpContext.RequestAborted);
            if (!valid)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
        };
    }

    public static WebApplication UseWebSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        app.UseHsts();
        return app;
    }

    /// <summary>Ends every session of the user (all browsers, all copies of the cookie).</summary>
    /// <summary>
    /// Every state-changing request of a signed-in user carries the antiforgery token, whether its endpoint reads form
    /// fields or not: the middleware only records a failed check, and only form binding refuses on it, so an endpoint
    /// without fields (sign out everywhere) is refused here.
    /// </summary>
    public static RouteGroupBuilder RequireAntiforgeryOnEveryPost(this RouteGroupBuilder group)
    {
        group.WithMetadata(new RequireAntiforgeryTokenAttribute());
        group.AddEndpointFilter(async (invocation, next) =>
            invocation.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
                ? TypedResults.BadRequest()
                : await next(invocation));
        return group;
    }

    public static Task EndSessionsAsync(GatewayDbContext db, int userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stamp = Domain.User.NewSecurityStamp();
        return db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), cancellationToken);
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    /// <summary>The client as the (trusted) proxy reported it, else the connection's address.</summary>
    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string UserKey(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? "user:" + id : "ip:" + ClientKey(context);
}
