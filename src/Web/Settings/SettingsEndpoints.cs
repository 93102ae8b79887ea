using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Layout;
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
        group.MapGet("/settings", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, [FromQuery] string? saved, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return TitleEndpoints.Deactivated(context);
            }

            var notice = saved switch
            {
                "1" => "Settings saved.",
                "mail" => "Mail to that address is on again.",
                _ => null,
            };
            return Page.Render(context, user, "Settings", SettingsPage.Render(context, await ModelAsync(db, user, cancellationToken), [], notice));
        });

        group.MapPost("/settings", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, IFormCollection form, CancellationToken cancellationToken) =>
        {
            // Read as strings, whatever was sent, so that every odd value gets a precise message rather than a binding error.
            var internalMessages = Single(form, "internalMessages");
            var languages = form["languages"].Where(l => l is not null).Select(l => l!).ToList();
            var internalDelivery = Single(form, "internalDelivery");
            var broadcastDelivery = Single(form, "broadcastDelivery");
            var vendorDelivery = Single(form, "vendorDelivery");
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return TitleEndpoints.Deactivated(context);
            }

            var model = await ModelAsync(db, user, cancellationToken);
            var errors = new List<string>();
            bool? internalOn = internalMessages?.Trim().ToLowerInvariant() switch
            {
                null or "" or "off" or "false" => false,
                "on" or "true" => true,
                _ => null,
            };
            if (internalOn is null)
            {
                errors.Add($"Internal messages must be on or off, not '{Clip(internalMessages)}'.");
            }
            else if (internalOn.Value && !user.IsInternal)
            {
                errors.Add("Internal messages are for staff only; vendor accounts cannot turn them on.");
            }

            var chosen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var language in languages)
            {
                if (!LanguageTag.TryCanonicalize(language, out var tag) || !model.AvailableLanguages.Contains(tag))
                {
                    errors.Add($"'{Clip(language)}' is not a language you can choose here; choose from {(model.AvailableLanguages.Count == 0 ? "none yet" : string.Join(", ", model.AvailableLanguages))}.");
                    continue;
                }

                chosen.Add(tag);
            }

            var internalMode = ParseDelivery(internalDelivery, "Internal channels", model.Internal, errors);
            if (!user.IsInternal && internalDelivery is not null && internalMode != model.Internal)
            {
                errors.Add("Vendor accounts have no Internal channels to get mail from.");
            }

            var broadcastMode = ParseDelivery(broadcastDelivery, "Broadcast channels", model.Broadcast, errors);
            var vendorMode = ParseDelivery(vendorDelivery, "Vendor channels", model.Vendor, errors);
            if (errors.Count > 0)
            {
                return Page.Render(context, user, "Settings", SettingsPage.Render(context, model, errors, null), StatusCodes.Status400BadRequest);
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

            // Languages outside what can be chosen here (none today) are kept; the chosen ones replace the rest.
            var current = await db.UserLanguages.Where(l => l.UserId == user.Id).ToListAsync(cancellationToken);
            db.UserLanguages.RemoveRange(current.Where(l => model.AvailableLanguages.Contains(l.Language) && !chosen.Contains(l.Language)));
            db.UserLanguages.AddRange(chosen.Where(c => current.All(l => l.Language != c)).Select(c => new UserLanguage { UserId = user.Id, Language = c }));
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Redirect("/settings?saved=1");
        });

        group.MapPost("/settings/addresses/reenable", async Task<Results<RedirectHttpResult, ContentHttpResult>> (
            HttpContext context, GatewayDbContext db, [FromForm] string? address, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return TitleEndpoints.Deactivated(context);
            }

            var normalized = EmailAddress.Normalize(address ?? string.Empty);
            if (!await db.UserEmails.AnyAsync(e => e.UserId == user.Id && e.Address == normalized, cancellationToken))
            {
                var model = await ModelAsync(db, user, cancellationToken);
                return Page.Render(context, user, "Settings",
                    SettingsPage.Render(context, model, [$"'{Clip(address)}' is not one of your addresses."], null), StatusCodes.Status400BadRequest);
            }

            await db.AddressHealth.Where(a => a.Address == normalized)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.SuppressedAtUtc, (DateTime?)null), cancellationToken);
            return TypedResults.Redirect("/settings?saved=mail");
        });

        return group;
    }

    private static DeliveryMode ParseDelivery(string? value, string label, DeliveryMode current, List<string> errors)
    {
        if (value is null)
        {
            return current;
        }

        if (Enum.TryParse<DeliveryMode>(value.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !value.Trim().All(char.IsDigit))
        {
            return mode;
        }

        errors.Add($"Mail for {label} must be immediate, digest or off, not '{Clip(value)}'.");
        return current;
    }

    private static string? Single(IFormCollection form, string name) => form.TryGetValue(name, out var values) ? values.ToString() : null;

    private static string Clip(string? value) => value is null ? string.Empty : value.Length > 40 ? value[..40] + "…" : value;

    private static async Task<SettingsPage.Model> ModelAsync(GatewayDbContext db, CurrentUser user, CancellationToken cancellationToken)
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
            .Select(e => e.Address).ToListAsync(cancellationToken);
        var suppressed = await db.AddressHealth.AsNoTracking().Where(a => addresses.Contains(a.Address) && a.SuppressedAtUtc != null)
            .Select(a => new SettingsPage.SuppressedAddress(a.Address, a.SuppressedAtUtc!.Value, a.LastBounceDetail)).ToListAsync(cancellationToken);
        return new SettingsPage.Model(
            user.IsInternal,
            settings.InternalMessagesEnabled,
            available.Order(StringComparer.Ordinal).ToList(),
            mine.ToHashSet(StringComparer.Ordinal),
            settings.InternalDelivery,
            settings.BroadcastDelivery,
            settings.VendorDelivery,
            addresses,
            suppressed);
    }
}
