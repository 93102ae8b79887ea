using System.Security.Claims;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Layout;

/// <summary>The signed-in user, read fresh from the database on every request: a deactivated or removed user is
/// nobody, whatever their cookie says.</summary>
public sealed record CurrentUser(int Id, string Name, string Email, UserRole Role, bool IsAdmin)
{
    public bool IsInternal => Role is UserRole.Pm or UserRole.Cpc;

    public static async Task<CurrentUser?> LoadAsync(HttpContext context, GatewayDbContext db, CancellationToken cancellationToken)
    {
        if (!int.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == id && u.IsActive)
            .Select(u => new CurrentUser(
                u.Id,
                u.Name,
                u.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? string.Empty,
                u.Role,
                u.IsAdmin)
            {
                TimeZone = u.Settings == null ? Rendering.ReaderTime.Utc : u.Settings.TimeZone,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is not null)
        {
            ReaderZone.Set(context, user.TimeZone);
        }

        return user;
    }

    /// <summary>The IANA zone the user's pages show times in (<see cref="UserSettings.TimeZone"/>).</summary>
    public string TimeZone { get; init; } = Rendering.ReaderTime.Utc;
}
