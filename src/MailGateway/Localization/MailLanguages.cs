using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Localization;

/// <summary>The languages the gateway writes in (its mails, and the web's pages), and which of them a person reads: the
/// language chosen in their settings; else, for a vendor, the first of their languages that is shipped; else the
/// installation's default (<c>Notifications:Language</c>, English unless set).</summary>
public static class MailLanguages
{
    public const string English = "en";

    /// <summary>BCP 47 tags of the shipped translations, in the order the settings page lists them.</summary>
    public static IReadOnlyList<string> Supported { get; } =
        ["en", "fr", "de", "es", "pt-BR", "it", "nl", "pl", "ru", "tr", "ar", "he", "ja", "ko", "zh-Hans", "zh-Hant", "th", "id"];

    /// <summary>The longest tag looked at; anything longer is no language of ours and is not parsed.</summary>
    public const int MaxTagLength = 35;

    /// <summary>The shipped tag that <paramref name="value"/> names exactly (case-insensitive), or null.</summary>
    public static string? Find(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxTagLength)
        {
            return null;
        }

        var trimmed = value.Trim();
        return Supported.FirstOrDefault(tag => string.Equals(tag, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The shipped language closest to <paramref name="tag"/>: itself, else a parent (es-419 → es), with the
    /// Chinese scripts by region (zh-CN → zh-Hans, zh-TW → zh-Hant) and any Portuguese to pt-BR; null when none is near.</summary>
    public static string? Closest(string? tag)
    {
        if (Find(tag) is { } exact)
        {
            return exact;
        }

        if (string.IsNullOrWhiteSpace(tag) || tag.Length > MaxTagLength)
        {
            return null;
        }

        var lower = tag.Trim().Replace('_', '-').ToLowerInvariant();
        if (lower.StartsWith("zh", StringComparison.Ordinal))
        {
            return lower.Contains("hant", StringComparison.Ordinal) || lower.EndsWith("-tw", StringComparison.Ordinal)
                || lower.EndsWith("-hk", StringComparison.Ordinal) || lower.EndsWith("-mo", StringComparison.Ordinal)
                ? "zh-Hant"
                : "zh-Hans";
        }

        if (lower == "pt" || lower.StartsWith("pt-", StringComparison.Ordinal))
        {
            return "pt-BR";
        }

        // "iw" is Hebrew's old code, still sent by some systems.
        if (lower == "iw" || lower.StartsWith("iw-", StringComparison.Ordinal))
        {
            return "he";
        }

        var dash = lower.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? Find(lower[..dash]) : null;
    }

    /// <summary>The language a person's mails are written in.</summary>
    /// <param name="chosen">Their choice in settings (<see cref="Domain.UserSettings.Language"/>), or null.</param>
    /// <param name="vendorLanguages">A vendor's languages in their order, empty for staff.</param>
    /// <param name="fallback">The installation's default language.</param>
    public static string ForReader(string? chosen, IEnumerable<string> vendorLanguages, string fallback)
    {
        ArgumentNullException.ThrowIfNull(vendorLanguages);
        return Find(chosen)
            ?? vendorLanguages.Select(Closest).FirstOrDefault(tag => tag is not null)
            ?? Closest(fallback)
            ?? English;
    }

    /// <summary><see cref="ForReader"/> for <paramref name="user"/>, whose <see cref="Domain.User.Settings"/> and
    /// <see cref="Domain.User.Languages"/> are loaded.</summary>
    public static string ForUser(Domain.User user, string fallback)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ForReader(
            user.Settings?.Language,
            user.Role == Domain.UserRole.Vendor ? user.Languages.Select(l => l.Language).Order(StringComparer.Ordinal) : [],
            fallback);
    }

    /// <summary><see cref="ForUser"/> for the user <paramref name="userId"/>, read from the database.</summary>
    public static async Task<string> ForUserAsync(Storage.GatewayDbContext db, int userId, string fallback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var user = await db.Users.AsNoTracking().Include(u => u.Settings).Include(u => u.Languages).SingleAsync(u => u.Id == userId, cancellationToken);
        return ForUser(user, fallback);
    }

    /// <summary>Right-to-left scripts among the shipped languages.</summary>
    public static bool IsRightToLeft(string tag) => CultureInfo.GetCultureInfo(tag).TextInfo.IsRightToLeft;

    /// <summary>A language's own name for itself ("Français", "日本語"), which is how people look for their language.</summary>
    public static string NativeName(string tag)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag);
            var name = culture.NativeName;
            return name.Length == 0 ? tag : char.ToUpper(name[0], culture) + name[1..];
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }
}
