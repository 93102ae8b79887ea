using System.Globalization;
using ClpMailGateway.Rendering;

namespace ClpMailGateway.Web.Layout;

/// <summary>The signed-in reader's time zone for this request, put in the request's items by
/// <see cref="CurrentUser.LoadAsync"/> (UTC for a page without a user), and times as pages show them in it.</summary>
public static class ReaderZone
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string? zoneId)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[Key] = ReaderTime.Zone(zoneId);
    }

    public static TimeZoneInfo Of(HttpContext? context) =>
        context?.Items.TryGetValue(Key, out var zone) == true && zone is TimeZoneInfo found ? found : TimeZoneInfo.Utc;

    /// <summary>The wall-clock time in the reader's culture, then the zone's offset at that moment (<c>UTC+02:00</c>),
    /// which tells the two sides of a clock change apart.</summary>
    public static string Show(DateTime utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = ReaderTime.Local(utc, zone);
        var offset = zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var label = offset == TimeSpan.Zero
            ? "UTC"
            : "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return local.ToString("g", CultureInfo.CurrentCulture) + " " + label;
    }
}
