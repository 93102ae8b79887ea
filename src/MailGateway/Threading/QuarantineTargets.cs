using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Threading;

/// <summary>Where an operator may move a quarantined reply ("post to…", on the web and by <c>quarantine post</c>): the
/// channels of the reply's title its sender (the user of its verified reply token) may post to now. None when the mail
/// has no verified sender, or is posted already.</summary>
public static class QuarantineTargets
{
    public static async Task<IReadOnlyList<Channel>> ForAsync(GatewayDbContext db, InboundMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(mail);
        if (mail.Status == InboundStatus.Posted || mail.UserId is not { } userId || mail.ChannelId is not { } channelId)
        {
            return [];
        }

        var titleId = await db.Channels.AsNoTracking().Where(c => c.Id == channelId).Select(c => (int?)c.TitleId).SingleOrDefaultAsync(cancellationToken);
        if (titleId is null || !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return [];
        }

        var access = await AccessContextLoader.LoadAsync(db, userId, titleId.Value, cancellationToken);
        var channels = await db.Channels.AsNoTracking().Include(c => c.Title).Where(c => c.TitleId == titleId)
            .OrderBy(c => c.Kind).ThenBy(c => c.Key).ToListAsync(cancellationToken);
        return channels.Where(c => ChannelPolicy.Decide(access, c.Kind, c.Language).CanPost).ToList();
    }
}
