using System.Security.Cryptography;
using ClpMailGateway.Domain;
using System.Globalization;
using ClpMailGateway.Links;
using ClpMailGateway.Localization;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
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
        group.MapPost("/settings/addresses", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, IOptions<MailOptions> mailOptions, MailTemplates templates, IOptions<NotificationOptions> notificationOptions,
            TimeProvider timeProvider, [FromForm] string? address, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var error = await AddAsync(db, mailOptions.Value, templates, notificationOptions.Value.Language, timeProvider, user, address, cancellationToken);
            return error is null
                ? TypedResults.Redirect(WebRoutes.Settings + "?saved=address")
                : await SettingsEndpoints.ErrorAsync(db, user, error, cancellationToken);
        });

        group.MapPost("/settings/addresses/remove", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, [FromForm] string? address, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var normalized = EmailAddress.Normalize(address ?? string.Empty);
            var removed = await db.UserEmails.Where(e => e.UserId == user.Id && e.Address == normalized && !e.IsPrimary).ExecuteDeleteAsync(cancellationToken);
            return removed == 1
                ? TypedResults.Redirect(WebRoutes.Settings + "?saved=removed")
                : await SettingsEndpoints.ErrorAsync(db, user, Phrase.Of<SettingsStrings>("ErrorRemovePrimary"), cancellationToken);
        });

        return group;
    }

    /// <summary>The confirmation link's page and its button; outside the signed-in group.</summary>
    public static IEndpointRouteBuilder MapAddressVerification(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebRoutes.AddressVerification, async Task<RazorComponentResult> (
            GatewayDbContext db, TimeProvider timeProvider, string secret, CancellationToken cancellationToken) =>
        {
            var pending = await FindPendingAsync(db, timeProvider, secret, cancellationToken);
            if (pending is null)
            {
                return Expired();
            }

            return Pages.Show<ConfirmAddressPage>(new { Secret = secret, pending.Address, UserName = pending.User!.Name });
        });

        app.MapPost(WebRoutes.AddressVerification, async Task<RazorComponentResult> (
            GatewayDbContext db, TimeProvider timeProvider, string secret, CancellationToken cancellationToken) =>
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
                ? Pages.Message(null, StatusCodes.Status200OK, Phrase.Of<SettingsStrings>("AddressConfirmed"), Phrase.Of<SettingsStrings>("AddressConfirmedText"),
                    WebRoutes.Settings, Phrase.Of<SettingsStrings>("OpenYourSettings"))
                : Expired();
        });

        return app;
    }

    private static async Task<Phrase?> AddAsync(
        GatewayDbContext db, MailOptions mailOptions, MailTemplates templates, string defaultLanguage, TimeProvider timeProvider, CurrentUser user, string? address,
        CancellationToken cancellationToken)
    {
        var trimmed = address?.Trim();
        if (!EmailAddress.LooksValid(trimmed))
        {
            return Phrase.Of<SettingsStrings>("ErrorAddressInvalid");
        }

        var normalized = EmailAddress.Normalize(trimmed!);
        if (mailOptions.IsOwnAddress(normalized))
        {
            return Phrase.Of<SettingsStrings>("ErrorOwnAddress");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var existing = await db.UserEmails.SingleOrDefaultAsync(e => e.Address == normalized, cancellationToken);
        if (existing is not null)
        {
            if (existing.UserId == user.Id)
            {
                return existing.VerifiedAtUtc is null
                    ? Phrase.Of<SettingsStrings>("ErrorAddressWaiting")
                    : Phrase.Of<SettingsStrings>("ErrorAddressYours");
            }

            // An address someone else added and never confirmed is released once its link expired.
            if (existing.VerifiedAtUtc is not null || existing.VerificationExpiresAtUtc > now)
            {
                return Phrase.Of<SettingsStrings>("ErrorAddressTaken");
            }

            db.UserEmails.Remove(existing);
        }

        var mine = await db.UserEmails.Where(e => e.UserId == user.Id).Select(e => e.AddedAtUtc).ToListAsync(cancellationToken);
        if (mine.Count >= MaxAddresses)
        {
            return Phrase.Of<SettingsStrings>("ErrorTooManyAddresses", MaxAddresses);
        }

        if (mine.Count(added => added > now.AddHours(-1)) >= AddsPerHour)
        {
            return Phrase.Of<SettingsStrings>("ErrorTooManyAdds");
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
        var language = await MailLanguages.ForUserAsync(db, user.Id, MailLanguages.Closest(CultureInfo.CurrentUICulture.Name) ?? defaultLanguage, cancellationToken);
        var mail = AddressVerificationMail.Compose(
            mailOptions, templates, language, normalized, user.Name, WebRoutes.Absolute(mailOptions.WebBaseUrl, WebRoutes.AddressVerificationPath(secret)), LinkLifetime, now);
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

    private static RazorComponentResult Expired() =>
        Pages.Message(null, StatusCodes.Status400BadRequest, Phrase.Of<SettingsStrings>("ConfirmationExpired"), Phrase.Of<SettingsStrings>("ConfirmationExpiredText"),
            WebRoutes.Settings, Phrase.Of<SettingsStrings>("OpenYourSettings"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
