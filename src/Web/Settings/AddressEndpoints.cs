using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Links;
using ClpMailGateway.Mail;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Layout;
using ClpMailGateway.Web.SignIn;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Settings;

/// <summary>
/// A user's other addresses: adding one mails a single-use confirmation link to it, and only a confirmed address counts
/// as the user's (replies by mail from it are accepted, sign-in links go to it). Removing one (never the primary).
/// Opening the link needs no session: it proves control of the mailbox, and a confirmation page with a button keeps mail
/// scanners that fetch links from confirming by themselves.
/// </summary>
public static class AddressEndpoints
{
    /// <summary>How long a confirmation link works.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    /// <summary>Addresses a user may add per hour (each one mails a link).</summary>
    public const int AddsPerHour = 5;

    /// <summary>Addresses a user may have.</summary>
    public const int MaxAddresses = 10;

    public static RouteGroupBuilder MapAddresses(this RouteGroupBuilder group)
    {
        group.MapPost("/settings/addresses", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, IOptions<MailOptions> mailOptions, TimeProvider timeProvider, [FromForm] string? address,
            CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Page.Deactivated(context);
            }

            var error = await AddAsync(db, mailOptions.Value, timeProvider, user, address, cancellationToken);
            return error is null
                ? TypedResults.Redirect(WebRoutes.Settings + "?saved=address")
                : await SettingsEndpoints.ErrorAsync(context, db, user, error, cancellationToken);
        });

        group.MapPost("/settings/addresses/remove", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, [FromForm] string? address, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Page.Deactivated(context);
            }

            var normalized = EmailAddress.Normalize(address ?? string.Empty);
            var removed = await db.UserEmails.Where(e => e.UserId == user.Id && e.Address == normalized && !e.IsPrimary).ExecuteDeleteAsync(cancellationToken);
            return removed == 1
                ? TypedResults.Redirect(WebRoutes.Settings + "?saved=removed")
                : await SettingsEndpoints.ErrorAsync(context, db, user, "That is not one of your addresses, or it is your primary one, which stays.", cancellationToken);
        });

        return group;
    }

    /// <summary>The confirmation link's page and its button; outside the signed-in group.</summary>
    public static IEndpointRouteBuilder MapAddressVerification(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebRoutes.AddressVerification, async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, TimeProvider timeProvider, string secret, CancellationToken cancellationToken) =>
        {
            var pending = await FindPendingAsync(db, timeProvider, secret, cancellationToken);
            if (pending is null)
            {
                return Expired(context);
            }

            var body = $"<h1>Confirm your address</h1><p>Add <strong>{Html.E(pending.Address)}</strong> to the account of {Html.E(pending.User!.Name)}?</p>"
                + $"<form method=\"post\" action=\"{Html.E(WebRoutes.AddressVerificationPath(secret))}\">{Forms.Antiforgery(context)}"
                + "<button type=\"submit\">Confirm</button></form>";
            return Page.Render(context, null, "Confirm your address", body);
        });

        app.MapPost(WebRoutes.AddressVerification, async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, TimeProvider timeProvider, string secret, CancellationToken cancellationToken) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var hash = SignInEndpoints.Hash(secret);
            // Used up atomically, like a sign-in link.
            var confirmed = await db.UserEmails
                .Where(e => e.VerificationSecretHash == hash && e.VerifiedAtUtc == null && e.VerificationExpiresAtUtc > now)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.VerifiedAtUtc, now).SetProperty(e => e.VerificationSecretHash, (string?)null)
                        .SetProperty(e => e.VerificationExpiresAtUtc, (DateTime?)null),
                    cancellationToken);
            return confirmed == 1
                ? Page.Message(context, null, StatusCodes.Status200OK, "Address confirmed",
                    "Your replies from this address now land in their conversations, and you can sign in with it.", WebRoutes.Settings, "Open your settings")
                : Expired(context);
        });

        return app;
    }

    private static async Task<string?> AddAsync(
        GatewayDbContext db, MailOptions mailOptions, TimeProvider timeProvider, CurrentUser user, string? address, CancellationToken cancellationToken)
    {
        var trimmed = address?.Trim();
        if (!EmailAddress.LooksValid(trimmed))
        {
            return "Enter an address such as name@example.com.";
        }

        var normalized = EmailAddress.Normalize(trimmed!);
        if (mailOptions.IsOwnAddress(normalized))
        {
            return "That address belongs to this platform itself.";
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var existing = await db.UserEmails.SingleOrDefaultAsync(e => e.Address == normalized, cancellationToken);
        if (existing is not null)
        {
            if (existing.UserId == user.Id)
            {
                return existing.VerifiedAtUtc is null
                    ? "That address is waiting for confirmation: open the link we mailed to it."
                    : "That address is yours already.";
            }

            // An address someone else added and never confirmed is released once its link expired.
            if (existing.VerifiedAtUtc is not null || existing.VerificationExpiresAtUtc > now)
            {
                return "That address cannot be added to your account. If it is yours, ask a project manager.";
            }

            db.UserEmails.Remove(existing);
        }

        var mine = await db.UserEmails.Where(e => e.UserId == user.Id).Select(e => e.AddedAtUtc).ToListAsync(cancellationToken);
        if (mine.Count >= MaxAddresses)
        {
            return $"An account has at most {MaxAddresses} addresses; remove one first.";
        }

        if (mine.Count(added => added > now.AddHours(-1)) >= AddsPerHour)
        {
            return "You added several addresses in the last hour; try again later.";
        }

        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        db.UserEmails.Add(new UserEmail
        {
            UserId = user.Id,
            Address = normalized,
            IsPrimary = false,
            AddedAtUtc = now,
            VerificationSecretHash = SignInEndpoints.Hash(secret),
            VerificationExpiresAtUtc = now + LinkLifetime,
        });
        var mail = AddressVerificationMail.Compose(
            mailOptions, normalized, user.Name, WebRoutes.Absolute(mailOptions.WebBaseUrl, WebRoutes.AddressVerificationPath(secret)), LinkLifetime, now);
        await SystemMail.QueueAsync(db, mail, AddressVerificationMail.Purpose, normalized, mailOptions.NotificationsFrom, AddressVerificationMail.Purpose, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static Task<UserEmail?> FindPendingAsync(GatewayDbContext db, TimeProvider timeProvider, string secret, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var hash = SignInEndpoints.Hash(secret);
        return db.UserEmails.AsNoTracking().Include(e => e.User)
            .SingleOrDefaultAsync(e => e.VerificationSecretHash == hash && e.VerifiedAtUtc == null && e.VerificationExpiresAtUtc > now, cancellationToken);
    }

    private static ContentHttpResult Expired(HttpContext context) =>
        Page.Message(context, null, StatusCodes.Status400BadRequest, "This confirmation link no longer works",
            "A link works once, within 24 hours. Add the address again in your settings to get a new one.", WebRoutes.Settings, "Open your settings");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
