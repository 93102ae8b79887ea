using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Links;
using ClpMailGateway.Localization;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.SignIn;

/// <summary>Sign-in by a single-use link mailed through the outbox; in demo mode also by picking an account.</summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebRoutes.SignIn, async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, IOptions<WebOptions> options, [FromQuery(Name = "ReturnUrl")] string? returnUrl, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            var demo = options.Value.DemoMode ? await DemoAccountsAsync(db, cancellationToken) : null;
            return Pages.Show<SignInPage>(new { User = user, ReturnUrl = Forms.LocalReturnUrl(returnUrl), DemoAccounts = demo });
        });

        app.MapPost(WebRoutes.SignIn, async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, IOptions<WebOptions> options, SignInMailer mailer, SignInMetrics metrics,
            [FromForm] string? email, [FromForm] string? returnUrl, CancellationToken cancellationToken) =>
        {
            var local = Forms.LocalReturnUrl(returnUrl);
            if (!EmailAddress.LooksValid(email?.Trim()))
            {
                var demo = options.Value.DemoMode ? await DemoAccountsAsync(db, cancellationToken) : null;
                return Pages.Show<SignInPage>(new { ReturnUrl = local, Email = email, Error = true, DemoAccounts = demo }, StatusCodes.Status400BadRequest);
            }

            var address = EmailAddress.Normalize(email!);
            // Queued: the same answer, in the same time, whether or not the address has an account or the limit holds it.
            mailer.Request(address, local, System.Globalization.CultureInfo.CurrentUICulture.Name);
            metrics.LinkRequested();
            return Pages.Show<SignInSentPage>(new { Email = address });
        }).RequireRateLimiting(WebSecurity.SignInPolicy).WithMetadata(new RequestSizeLimitAttribute(WebSecurity.SmallBodyBytes));

        app.MapGet(WebRoutes.SignInLink, async Task<RazorComponentResult> (
            GatewayDbContext db, TimeProvider timeProvider, string secret,
            [FromQuery(Name = "ReturnUrl")] string? returnUrl, CancellationToken cancellationToken) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var hash = Hash(secret);
            var address = await db.Set<SignInLink>().AsNoTracking()
                .Where(l => l.SecretHash == hash && l.UsedAtUtc == null && l.ExpiresAtUtc > now)
                .Select(l => l.Address).SingleOrDefaultAsync(cancellationToken);
            return address is null
                ? Expired()
                : Pages.Show<SignInConfirmPage>(new { Secret = secret, Email = address, ReturnUrl = Forms.LocalReturnUrl(returnUrl) });
        });

        app.MapPost(WebRoutes.SignInLink, async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, TimeProvider timeProvider, SignInMetrics metrics, string secret, [FromForm] string? confirm,
            [FromQuery(Name = "ReturnUrl")] string? returnUrl, CancellationToken cancellationToken) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var hash = Hash(secret);

            // Used up atomically: of two requests racing with one link, exactly one signs in.
            var used = await db.Set<SignInLink>()
                .Where(l => l.SecretHash == hash && l.UsedAtUtc == null && l.ExpiresAtUtc > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAtUtc, now), cancellationToken);
            if (used != 1)
            {
                metrics.SignedIn("link", succeeded: false);
                return Expired();
            }

            var userId = await db.Set<SignInLink>().AsNoTracking().Where(l => l.SecretHash == hash).Select(l => l.UserId).SingleAsync(cancellationToken);
            var signedIn = await SignInAsync(context, db, userId, cancellationToken);
            metrics.SignedIn("link", signedIn);
            if (!signedIn)
            {
                return Expired();
            }

            return TypedResults.Redirect(Forms.LocalReturnUrl(returnUrl) ?? "/titles");
        }).WithMetadata(new RequestSizeLimitAttribute(WebSecurity.SmallBodyBytes));

        app.MapPost(WebRoutes.SignIn + "/demo", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, IOptions<WebOptions> options, SignInMetrics metrics, [FromForm] string? userId, [FromForm] string? returnUrl,
            CancellationToken cancellationToken) =>
        {
            if (!options.Value.DemoMode)
            {
                return Pages.NotFound(null);
            }

            var signedIn = int.TryParse(userId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && await SignInAsync(context, db, id, cancellationToken);
            metrics.SignedIn("demo", signedIn);
            if (!signedIn)
            {
                return Pages.Message(null, StatusCodes.Status400BadRequest, Phrase.Of<SignInStrings>("NoSuchAccount"), Phrase.Of<SignInStrings>("NoSuchAccountText"),
                    WebRoutes.SignIn, Phrase.Of<SignInStrings>("BackToSignIn"));
            }

            return TypedResults.Redirect(Forms.LocalReturnUrl(returnUrl) ?? "/titles");
        }).WithMetadata(new RequestSizeLimitAttribute(WebSecurity.SmallBodyBytes));

        app.MapPost("/signout", async Task<RedirectHttpResult> (HttpContext context, GatewayDbContext db, [FromForm] string? unused, CancellationToken cancellationToken) =>
        {
            // The session ends on the server too: a copy of the cookie stops working (the stamp it carries is stale).
            if (int.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                await WebSecurity.EndSessionsAsync(db, id, cancellationToken);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect("/");
        }).WithMetadata(new RequestSizeLimitAttribute(WebSecurity.SmallBodyBytes));

        return app;
    }

    /// <summary>Writes a link and its mail (one transaction) when the address is a verified address of an active user
    /// and the address is under its hourly limit; otherwise does nothing.</summary>
    /// <param name="defaultLanguage">The installation's language (<c>Notifications:Language</c>).</param>
    /// <param name="browserLanguage">The language of the page the link was asked on; the mail's when the user chose none.</param>
    internal static async Task MailLinkAsync(
        GatewayDbContext db, WebOptions options, MailOptions mailOptions, MailTemplates templates, string defaultLanguage, TimeProvider timeProvider,
        string address, string? returnUrl, string? browserLanguage, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var userId = await db.UserEmails.AsNoTracking()
            .Where(e => e.Address == address && e.VerifiedAtUtc != null && e.User!.IsActive)
            .Select(e => (int?)e.UserId)
            .SingleOrDefaultAsync(cancellationToken);
        var user = userId is null
            ? null
            : await db.Users.AsNoTracking().Include(u => u.Settings).Include(u => u.Languages).SingleAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return;
        }

        // The limit's check and the link it allows are one transaction, serialized per address: two web processes
        // cannot both pass it.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Dialect.Locks.LockAsync(db, "sign-in:" + address, cancellationToken);
        var since = now.AddHours(-1);
        var recent = await db.Set<SignInLink>().CountAsync(l => l.Address == address && l.CreatedAtUtc > since, cancellationToken);
        if (recent >= options.SignInLinksPerHour)
        {
            return;
        }

        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var link = WebRoutes.Absolute(mailOptions.WebBaseUrl, WebRoutes.SignInLinkPath(secret))
            + (returnUrl is not null && returnUrl != WebRoutes.Titles ? "?" + WebRoutes.ReturnUrlParameter + "=" + Uri.EscapeDataString(returnUrl) : string.Empty);
        db.Set<SignInLink>().Add(new SignInLink
        {
            SecretHash = Hash(secret),
            UserId = user.Id,
            Address = address,
            CreatedAtUtc = now,
            ExpiresAtUtc = now + options.SignInLinkLifetime,
        });
        var language = MailLanguages.ForUser(user, MailLanguages.Closest(browserLanguage) ?? defaultLanguage);
        var mail = SignInMail.Compose(mailOptions, templates, language, address, user.Name, link, options.SignInLinkLifetime, now);
        await SystemMail.QueueAsync(db, mail, SignInMail.Purpose, address, mailOptions.NotificationsFrom, SignInMail.Purpose, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<bool> SignInAsync(HttpContext context, GatewayDbContext db, int userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.IsActive).Select(u => new { u.Id, u.Name, u.SecurityStamp }).SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return false;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, user.Name),
                new Claim(WebSecurity.StampClaim, user.SecurityStamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return true;
    }

    private static async Task<IReadOnlyList<SignInPage.DemoAccount>> DemoAccountsAsync(GatewayDbContext db, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.Role).ThenBy(u => u.Name)
            .Select(u => new SignInPage.DemoAccount(
                u.Id,
                u.Name,
                u.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? string.Empty,
                u.Role,
                u.Vendor != null ? u.Vendor.Name : null))
            .ToListAsync(cancellationToken);

    private static RazorComponentResult Expired() =>
        Pages.Message(null, StatusCodes.Status400BadRequest, Phrase.Of<SignInStrings>("LinkExpired"), Phrase.Of<SignInStrings>("LinkExpiredText"),
            WebRoutes.SignIn, Phrase.Of<SignInStrings>("SignInAgain"));

    internal static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
