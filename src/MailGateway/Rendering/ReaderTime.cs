using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ClpMailGateway.Rendering;

/// <summary>Times as a reader sees them: in the IANA time zone of their settings (<see cref="Domain.UserSettings.TimeZone"/>),
/// UTC by default. Stored times and mail headers stay UTC; only what a person reads is converted.</summary>
public static class ReaderTime
{
    public const string Utc = "UTC";

    /// <summary>Longer than any IANA name (the longest is about 30 characters).</summary>
    public const int MaxLength = 64;

    /// <summary>The zone named <paramref name="id"/> when it is an IANA time zone this machine knows (in its canonical
    /// spelling), else a sentence saying why not. Names are checked before the system is asked, so a path, a Windows
    /// name or control characters never reach the time-zone database lookup.</summary>
    public static bool TryParse(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        zone = null;
        var name = id?.Trim(' ');
        if (string.IsNullOrEmpty(name))
        {
            error = "Choose a time zone.";
            return false;
        }

        if (name.Length > MaxLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')
            || name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal))
        {
            error = "A time zone is an IANA name such as Europe/Paris or America/New_York.";
            return false;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) || !found.HasIanaId)
        {
            error = $"Unknown time zone \"{name}\": use an IANA name such as Europe/Paris or America/New_York.";
            return false;
        }

        zone = found;
        error = null;
        return true;
    }

    /// <summary>The zone of a stored setting; UTC when the setting is empty or no longer known (a time-zone database
    /// update can drop a name), so a bad row never breaks a page or a mail.</summary>
    public static TimeZoneInfo Zone(string? id) => TryParse(id, out var zone, out _) ? zone : TimeZoneInfo.Utc;

    /// <summary><paramref name="utc"/> in <paramref name="zone"/> as <c>2026-03-29 03:30 UTC+02:00</c> (<c>… UTC</c> in
    /// UTC): the offset says which side of a clock change the time is on.</summary>
    public static string Format(DateTime utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = Local(utc, zone);
        var offset = zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var text = local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return offset == TimeSpan.Zero && (zone.Id == Utc || zone == TimeZoneInfo.Utc)
            ? text + " UTC"
            : text + " UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }

    public static string Format(DateTime utc, string? zoneId) => Format(utc, Zone(zoneId));

    /// <summary><paramref name="utc"/> as the wall-clock time in <paramref name="zone"/>.</summary>
    public static DateTime Local(DateTime utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
    }
}
