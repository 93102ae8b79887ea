using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Commands;

/// <summary>Finds what a command names (a user by address, a title by slug, a channel by key), or fails with a
/// message that says what exists instead.</summary>
internal static class CommandLookups
{
    public static async Task EnsureMigratedAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        if (pending > 0)
        {
            var source = db.Dialect.Describe(db.Database.GetConnectionString()!);
            throw new CommandException(
                ExitCodes.Failure,
                $"the database {source} is not migrated ({pending} pending migrations); run 'migrate' first.");
        }
    }

    public static async Task<User> UserByEmailAsync(GatewayDbContext db, string email, CancellationToken cancellationToken)
    {
        var address = EmailAddress.Normalize(email);
        var user = await db.UserEmails.AsNoTracking()
            .Where(e => e.Address == address)
            .Join(db.Users.AsNoTracking(), e => e.UserId, u => u.Id, (_, u) => u)
            .SingleOrDefaultAsync(cancellationToken);
        return user ?? throw CommandException.NotFound($"no user has the address {address}.");
    }

    public static async Task<Title> TitleBySlugAsync(GatewayDbContext db, string slug, CancellationToken cancellationToken)
    {
        var normalized = slug.Trim().ToLowerInvariant();
        var title = await db.Titles.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == normalized, cancellationToken);
        if (title is not null)
        {
            return title;
        }

        var known = await db.Titles.AsNoTracking().OrderBy(t => t.Slug).Select(t => t.Slug).ToListAsync(cancellationToken);
        throw CommandException.NotFound(
            $"no title '{normalized}'; titles: {(known.Count == 0 ? "none (run seed-demo?)" : string.Join(", ", known))}.");
    }

    public static async Task<Channel> ChannelByKeyAsync(GatewayDbContext db, Title title, string key, CancellationToken cancellationToken)
    {
        if (!ChannelKey.TryParse(key, out _, out var normalizedKey, out _))
        {
            throw CommandException.Usage(
                $"'{key}' is not a channel key; use internal, broadcast or vendor-<language> (vendor-fr, vendor-pt-br).");
        }

        var channel = await db.Channels.AsNoTracking()
            .SingleOrDefaultAsync(c => c.TitleId == title.Id && c.Key == normalizedKey, cancellationToken);
        if (channel is not null)
        {
            channel.Title = title;
            return channel;
        }

        var keys = await db.Channels.AsNoTracking().Where(c => c.TitleId == title.Id).OrderBy(c => c.Id)
            .Select(c => c.Key).ToListAsync(cancellationToken);
        throw CommandException.NotFound($"{title.Slug} has no channel {normalizedKey}; its channels: {string.Join(", ", keys)}.");
    }
}
