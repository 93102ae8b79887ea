using ClpMailGateway.Domain;
using ClpMailGateway.Rendering;
using ClpMailGateway.Links;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Layout;
using ClpMailGateway.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Settings;

/// <summary>A user's settings: Internal messages (staff), languages, delivery per channel kind, and re-enabling an
/// address that bounces had suppressed. The web is the one writer of settings.</summary>
public static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettings(this RouteGroupBuilder group)
    {
        group.MapGet(WebRoutes.Settings, async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, [FromQuery] string? saved, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var notice = saved switch
            {
                "1" => "Saved",
                "mail" => "SavedMail",
                "address" => "SavedAddress",
                "removed" => "SavedRemoved",
                "unmuted" => "SavedUnmuted",
                _ => null,
            };
            return Pages.Show<SettingsPage>(new
            {
                User = user,
                Model = await ModelAsync(db, user, cancellationToken),
                Notice = notice is null ? null : Phrase.Of<SettingsStrings>(notice),
            });
        });

        group.MapPost(WebRoutes.Settings, async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, IFormCollection form, CancellationToken cancellationToken) =>
        {
            // Read as strings, whatever was sent, so that every odd value gets a precise message rather than a binding error.
            var internalMessages = Single(form, "internalMessages");
            var languages = form["languages"].Where(l => l is not null).Select(l => l!).ToList();
            var internalDelivery = Single(form, "internalDelivery");
            var broadcastDelivery = Single(form, "broadcastDelivery");
            var vendorDelivery = Single(form, "vendorDelivery");
            var mentionDelivery = Single(form, "mentionDelivery");
            var pageLanguage = Single(form, "language");
            var timeZone = Single(form, "timeZone");
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var model = await ModelAsync(db, user, cancellationToken);
            var errors = new List<Phrase>();
            bool? internalOn = internalMessages?.Trim().ToLowerInvariant() switch
            {
                null or "" or "off" or "false" => false,
                "on" or "true" => true,
                _ => null,
            };
            if (internalOn is null)
            {
                errors.Add(Phrase.Of<SettingsStrings>("ErrorInternalOnOff", Clip(internalMessages)));
            }
            else if (internalOn.Value && !user.IsInternal)
            {
                errors.Add(Phrase.Of<SettingsStrings>("ErrorInternalStaffOnly"));
            }

            var chosen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var language in languages)
            {
                if (!LanguageTag.TryCanonicalize(language, out var tag) || !model.AvailableLanguages.Contains(tag))
                {
                    errors.Add(model.AvailableLanguages.Count == 0
                        ? Phrase.Of<SettingsStrings>("ErrorNoLanguageToChoose", Clip(language))
                        : Phrase.Of<SettingsStrings>("ErrorLanguageNotChoosable", Clip(language), string.Join(", ", model.AvailableLanguages)));
                    continue;
                }

                chosen.Add(tag);
            }

            var internalMode = ParseDelivery(internalDelivery, "InternalChannels", model.Internal, errors);
            if (!user.IsInternal && internalDelivery is not null && internalMode != model.Internal)
            {
                errors.Add(Phrase.Of<SettingsStrings>("ErrorVendorNoInternal"));
            }

            var broadcastMode = ParseDelivery(broadcastDelivery, "BroadcastChannels", model.Broadcast, errors);
            var vendorMode = ParseDelivery(vendorDelivery, "VendorChannels", model.Vendor, errors);
            var mentionMode = ParseDelivery(mentionDelivery, "Mentions", model.MentionsEnabled ? DeliveryMode.Immediate : DeliveryMode.Off, errors);
            if (mentionMode == DeliveryMode.Digest)
            {
                errors.Add(Phrase.Of<SettingsStrings>("ErrorMentionsDigest"));
            }

            // Absent keeps the choice; empty follows the browser; anything else must be a shipped language.
            var chosenLanguage = model.Language;
            if (pageLanguage is not null)
            {
                chosenLanguage = pageLanguage.Length == 0 ? null : WebCultures.Find(pageLanguage);
                if (pageLanguage.Length > 0 && chosenLanguage is null)
                {
                    errors.Add(Phrase.Of<SettingsStrings>("ErrorUnknownLanguage", Clip(pageLanguage)));
                }
            }

            // Absent keeps the zone; anything sent must be an IANA zone this machine knows.
            var chosenZone = model.TimeZone;
            if (timeZone is not null)
            {
                if (ReaderTime.TryParse(timeZone, out var zone, out _))
                {
                    chosenZone = zone.Id;
                }
                else
                {
                    errors.Add(Phrase.Of<SettingsStrings>("TimeZoneInvalid", Clip(timeZone)));
                }
            }

            if (errors.Count > 0)
            {
                return Pages.Show<SettingsPage>(new { User = user, Model = model, Errors = errors }, StatusCodes.Status400BadRequest);
            }

            var settings = await db.UserSettings.SingleOrDefaultAsync(s => s.UserId == user.Id, cancellationToken);
            if (settings is null)
            {
                settings = new UserSettings { UserId = user.Id };
                db.UserSettings.Add(settings);
            }

            settings.InternalMessagesEnabled = user.IsInternal && internalOn!.Value;
            settings.InternalDelivery = internalMode;
            settings.BroadcastDelivery = broadcastMode;
            settings.VendorDelivery = vendorMode;
            settings.MentionsEnabled = mentionMode == DeliveryMode.Immediate;
            settings.Language = chosenLanguage;
            settings.TimeZone = chosenZone;

            // Languages outside what can be chosen here (none today) are kept; the chosen ones replace the rest.
            var current = await db.UserLanguages.Where(l => l.UserId == user.Id).ToListAsync(cancellationToken);
            db.UserLanguages.RemoveRange(current.Where(l => model.AvailableLanguages.Contains(l.Language) && !chosen.Contains(l.Language)));
            db.UserLanguages.AddRange(chosen.Where(c => current.All(l => l.Language != c)).Select(c => new UserLanguage { UserId = user.Id, Language = c }));
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Redirect("/settings?saved=1");
        });

        group.MapPost("/settings/addresses/reenable", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, [FromForm] string? address, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var normalized = EmailAddress.Normalize(address ?? string.Empty);
            if (!await db.UserEmails.AnyAsync(e => e.UserId == user.Id && e.Address == normalized, cancellationToken))
            {
                return await ErrorAsync(db, user, Phrase.Of<SettingsStrings>("ErrorNotYourAddress", Clip(address)), cancellationToken);
            }

            await db.AddressHealth.Where(a => a.Address == normalized)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(a => a.SuppressedAtUtc, (DateTime?)null).SetProperty(a => a.BounceScore, 0.0).SetProperty(a => a.BounceScoreAtUtc, (DateTime?)null),
                    cancellationToken);
            return TypedResults.Redirect("/settings?saved=mail");
        });

        group.MapPost("/settings/signout-everywhere", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            // Every session of the user ends, this one too: each cookie carries the stamp just replaced.
            await WebSecurity.EndSessionsAsync(db, user.Id, cancellationToken);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect(WebRoutes.SignIn);
        });

        group.MapPost("/settings/mutes/remove", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, [FromForm] int? channelId, [FromForm] int? titleId, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            // Only the user's own mutes: another user's ids match nothing.
            if (channelId is { } channel)
            {
                await db.ChannelMutes.Where(m => m.UserId == user.Id && m.ChannelId == channel).ExecuteDeleteAsync(cancellationToken);
            }

            if (titleId is { } title)
            {
                await db.TitleMutes.Where(m => m.UserId == user.Id && m.TitleId == title).ExecuteDeleteAsync(cancellationToken);
            }

            return TypedResults.Redirect("/settings?saved=unmuted");
        });

        return group;
    }

    /// <summary>The settings page with one error above it, as a 400.</summary>
    internal static async Task<RazorComponentResult> ErrorAsync(GatewayDbContext db, CurrentUser user, Phrase error, CancellationToken cancellationToken) =>
        Pages.Show<SettingsPage>(new { User = user, Model = await ModelAsync(db, user, cancellationToken), Errors = new[] { error } }, StatusCodes.Status400BadRequest);

    /// <param name="label">The key of the setting's name in <see cref="SettingsStrings"/>.</param>
    private static DeliveryMode ParseDelivery(string? value, string label, DeliveryMode current, List<Phrase> errors)
    {
        if (value is null)
        {
            return current;
        }

        if (Enum.TryParse<DeliveryMode>(value.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !value.Trim().All(char.IsDigit))
        {
            return mode;
        }

        errors.Add(Phrase.Of<SettingsStrings>("ErrorDelivery", Phrase.Of<SettingsStrings>(label), Clip(value)));
        return current;
    }

    private static string? Single(IFormCollection form, string name) => form.TryGetValue(name, out var values) ? values.ToString() : null;

    private static string Clip(string? value) => value is null ? string.Empty : value.Length > 40 ? value[..40] + "…" : value;

    internal static async Task<SettingsPage.Values> ModelAsync(GatewayDbContext db, CurrentUser user, CancellationToken cancellationToken)
    {
        var settings = await db.UserSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == user.Id, cancellationToken) ?? new UserSettings();
        var mine = await db.UserLanguages.AsNoTracking().Where(l => l.UserId == user.Id).Select(l => l.Language).ToListAsync(cancellationToken);
        List<string> available;
        if (user.IsInternal)
        {
            available = await db.TitleLanguages.AsNoTracking().Select(l => l.Language).Distinct().ToListAsync(cancellationToken);
        }
        else
        {
            var vendorId = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.VendorId).SingleAsync(cancellationToken);
            available = await db.VendorAssignments.AsNoTracking().Where(a => a.VendorId == vendorId).Select(a => a.Language).Distinct().ToListAsync(cancellationToken);
        }

        var addresses = await db.UserEmails.AsNoTracking().Where(e => e.UserId == user.Id).OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id)
            .Select(e => new SettingsPage.Address(e.Address, e.IsPrimary, e.VerifiedAtUtc != null)).ToListAsync(cancellationToken);
        var values = addresses.Select(a => a.Value).ToList();
        var suppressed = await db.AddressHealth.AsNoTracking().Where(a => values.Contains(a.Address) && a.SuppressedAtUtc != null)
            .Select(a => new SettingsPage.SuppressedAddress(a.Address, a.SuppressedAtUtc!.Value, a.LastBounceDetail)).ToListAsync(cancellationToken);
        var mutedChannels = await db.ChannelMutes.AsNoTracking().Where(m => m.UserId == user.Id)
            .Join(db.Channels.Include(c => c.Title), m => m.ChannelId, c => c.Id, (m, c) => c).ToListAsync(cancellationToken);
        var mutedTitles = await db.TitleMutes.AsNoTracking().Where(m => m.UserId == user.Id)
            .Join(db.Titles, m => m.TitleId, t => t.Id, (m, t) => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        var mutes = mutedTitles.Select(t => new SettingsPage.Mute(t.Name, null, null, t.Id))
            .Concat(mutedChannels.Select(c => new SettingsPage.Mute(c.Title!.Name, c, c.Id, null)))
            .OrderBy(m => m.TitleName, StringComparer.CurrentCulture).ThenBy(m => m.Channel is not null).ThenBy(m => m.Channel?.Kind).ThenBy(m => m.Channel?.Key, StringComparer.Ordinal).ToList();
        return new SettingsPage.Values(
            user.IsInternal,
            settings.InternalMessagesEnabled,
            available.Order(StringComparer.Ordinal).ToList(),
            mine.ToHashSet(StringComparer.Ordinal),
            settings.InternalDelivery,
            settings.BroadcastDelivery,
            settings.VendorDelivery,
            addresses,
            suppressed)
        {
            MentionsEnabled = settings.MentionsEnabled,
            Mutes = mutes,
            Language = WebCultures.Find(settings.Language),
            TimeZone = settings.TimeZone,
        };
    }
}
