using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Following;

/// <summary>
/// Follows and mutes of a title or a channel, as a user sets them on its page (the one-click unsubscribe of a mail
/// sets mutes through <see cref="Unsubscribe.UnsubscribeService"/>). Each choice is idempotent, and leaves the other
/// kind alone: muting keeps the follow, so unmuting restores the mail. The caller has checked that the user may read
/// what they choose about.
/// </summary>
public static class FollowChoices
{
    public static async Task<FollowState> StateAsync(GatewayDbContext db, int userId, int titleId, int? channelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var followsTitle = await db.Follows.AnyAsync(f => f.UserId == userId && f.TitleId == titleId, cancellationToken);
        var mutedTitle = await db.TitleMutes.AnyAsync(m => m.UserId == userId && m.TitleId == titleId, cancellationToken);
        var followsChannel = channelId is { } followed && await db.ChannelFollows.AnyAsync(f => f.UserId == userId && f.ChannelId == followed, cancellationToken);
        var mutedChannel = channelId is { } muted && await db.ChannelMutes.AnyAsync(m => m.UserId == userId && m.ChannelId == muted, cancellationToken);
        return new FollowState(followsTitle, mutedTitle, followsChannel, mutedChannel);
    }

    /// <summary>True when something changed.</summary>
    public static Task<bool> SetTitleAsync(GatewayDbContext db, int userId, int titleId, FollowChoice choice, DateTime nowUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return choice switch
        {
            FollowChoice.Follow => AddAsync(db, db.Follows.Where(f => f.UserId == userId && f.TitleId == titleId),
                new Follow { UserId = userId, TitleId = titleId, CreatedAtUtc = nowUtc }, cancellationToken),
            FollowChoice.Unfollow => RemoveAsync(db.Follows.Where(f => f.UserId == userId && f.TitleId == titleId), cancellationToken),
            FollowChoice.Mute => AddAsync(db, db.TitleMutes.Where(m => m.UserId == userId && m.TitleId == titleId),
                new TitleMute { UserId = userId, TitleId = titleId, CreatedAtUtc = nowUtc }, cancellationToken),
            FollowChoice.Unmute => RemoveAsync(db.TitleMutes.Where(m => m.UserId == userId && m.TitleId == titleId), cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, "Unknown choice."),
        };
    }

    /// <summary>True when something changed.</summary>
    public static Task<bool> SetChannelAsync(GatewayDbContext db, int userId, int channelId, FollowChoice choice, DateTime nowUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return choice switch
        {
            FollowChoice.Follow => AddAsync(db, db.ChannelFollows.Where(f => f.UserId == userId && f.ChannelId == channelId),
                new ChannelFollow { UserId = userId, ChannelId = channelId, CreatedAtUtc = nowUtc }, cancellationToken),
            FollowChoice.Unfollow => RemoveAsync(db.ChannelFollows.Where(f => f.UserId == userId && f.ChannelId == channelId), cancellationToken),
            FollowChoice.Mute => AddAsync(db, db.ChannelMutes.Where(m => m.UserId == userId && m.ChannelId == channelId),
                new ChannelMute { UserId = userId, ChannelId = channelId, CreatedAtUtc = nowUtc }, cancellationToken),
            FollowChoice.Unmute => RemoveAsync(db.ChannelMutes.Where(m => m.UserId == userId && m.ChannelId == channelId), cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, "Unknown choice."),
        };
    }

    private static async Task<bool> AddAsync<T>(GatewayDbContext db, IQueryable<T> existing, T row, CancellationToken cancellationToken)
        where T : class
    {
        if (await existing.AnyAsync(cancellationToken))
        {
            return false;
        }

        db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The same choice made at once in another tab: the row is there, which is what was asked.
            db.Entry(row).State = EntityState.Detached;
            return false;
        }
    }

    private static async Task<bool> RemoveAsync<T>(IQueryable<T> rows, CancellationToken cancellationToken) =>
        await rows.ExecuteDeleteAsync(cancellationToken) > 0;
}
