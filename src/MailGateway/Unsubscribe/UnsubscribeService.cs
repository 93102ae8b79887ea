using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Unsubscribe;

/// <summary>
/// The effect of an unsubscribe link, and its undo. A channel or a title is muted (<see cref="ChannelMute"/>,
/// <see cref="TitleMute"/>: no follower mail from it, mentions still come); a kind turns that kind's delivery off on
/// every title; all turns every kind and mentions off; digests turn the kinds that were on digest delivery off.
/// Idempotent. The web's <c>POST /unsubscribe/{token}</c> (RFC 8058) and the List-Unsubscribe mailto both call
/// <see cref="ApplyAsync"/>.
/// </summary>
public sealed class UnsubscribeService(
    GatewayDbContext db, IOptions<ReplyTokenOptions> tokenOptions, TimeProvider timeProvider, ILogger<UnsubscribeService> logger)
{
    /// <summary>What the token stands for, with words for it, without changing anything.</summary>
    public async Task<UnsubscribeResult> DescribeAsync(string? token, CancellationToken cancellationToken)
    {
        if (!UnsubscribeTokenCodec.TryVerify(tokenOptions.Value, token, out var target))
        {
            return UnsubscribeResult.Invalid;
        }

        var subject = await DescribeAsync(target, cancellationToken);
        return new UnsubscribeResult(subject is null ? UnsubscribeOutcome.UnknownTarget : UnsubscribeOutcome.Unchanged, target, subject);
    }

    public Task<UnsubscribeResult> ApplyAsync(string? token, CancellationToken cancellationToken) => ChangeAsync(token, off: true, cancellationToken);

    /// <summary>Turns back on what <see cref="ApplyAsync"/> turned off for the same token.</summary>
    public Task<UnsubscribeResult> UndoAsync(string? token, CancellationToken cancellationToken) => ChangeAsync(token, off: false, cancellationToken);

    /// <summary>The title a channel or title target is about (for the page's wider choices); null for other scopes.</summary>
    public async Task<(int TitleId, ChannelKind? Kind)?> TitleOfAsync(UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        switch (target.Scope)
        {
            case UnsubscribeScope.Channel:
                var channel = await db.Channels.AsNoTracking().Where(c => c.Id == target.Id)
                    .Select(c => new { c.TitleId, c.Kind }).SingleOrDefaultAsync(cancellationToken);
                return channel is null ? null : (channel.TitleId, channel.Kind);
            case UnsubscribeScope.Title:
                return (target.Id, null);
            default:
                return null;
        }
    }

    private async Task<UnsubscribeResult> ChangeAsync(string? token, bool off, CancellationToken cancellationToken)
    {
        if (!UnsubscribeTokenCodec.TryVerify(tokenOptions.Value, token, out var target))
        {
            return UnsubscribeResult.Invalid;
        }

        var subject = await DescribeAsync(target, cancellationToken);
        if (subject is null)
        {
            return new UnsubscribeResult(UnsubscribeOutcome.UnknownTarget, target, null);
        }

        var changed = target.Scope switch
        {
            UnsubscribeScope.Channel => off ? await MuteChannelAsync(target, cancellationToken) : await UnmuteAsync(db.ChannelMutes.Where(m => m.UserId == target.UserId && m.ChannelId == target.Id), cancellationToken),
            UnsubscribeScope.Title => off ? await MuteTitleAsync(target, cancellationToken) : await UnmuteAsync(db.TitleMutes.Where(m => m.UserId == target.UserId && m.TitleId == target.Id), cancellationToken),
            _ => await ChangeSettingsAsync(target, off, cancellationToken),
        };
        if (changed)
        {
            logger.LogInformation("User {UserId} {Change} mail for {Scope} {TargetId}", target.UserId, off ? "turned off" : "turned back on", target.Scope, target.Id);
        }

        return new UnsubscribeResult(changed ? UnsubscribeOutcome.Changed : UnsubscribeOutcome.Unchanged, target, subject);
    }

    private async Task<bool> MuteChannelAsync(UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        if (await db.ChannelMutes.AnyAsync(m => m.UserId == target.UserId && m.ChannelId == target.Id, cancellationToken))
        {
            return false;
        }

        db.ChannelMutes.Add(new ChannelMute { UserId = target.UserId, ChannelId = target.Id, CreatedAtUtc = timeProvider.GetUtcNow().UtcDateTime });
        return await SaveIdempotentAsync(cancellationToken);
    }

    private async Task<bool> MuteTitleAsync(UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        if (await db.TitleMutes.AnyAsync(m => m.UserId == target.UserId && m.TitleId == target.Id, cancellationToken))
        {
            return false;
        }

        db.TitleMutes.Add(new TitleMute { UserId = target.UserId, TitleId = target.Id, CreatedAtUtc = timeProvider.GetUtcNow().UtcDateTime });
        return await SaveIdempotentAsync(cancellationToken);
    }

    /// <summary>Saves a new mute; a click racing another one (a mail client's pre-fetch) finds the row there and changes
    /// nothing.</summary>
    private async Task<bool> SaveIdempotentAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static async Task<bool> UnmuteAsync<T>(IQueryable<T> mutes, CancellationToken cancellationToken) =>
        await mutes.ExecuteDeleteAsync(cancellationToken) > 0;

    private async Task<bool> ChangeSettingsAsync(UnsubscribeTarget target, bool off, CancellationToken cancellationToken)
    {
        var settings = await db.UserSettings.SingleOrDefaultAsync(s => s.UserId == target.UserId, cancellationToken);
        if (settings is null)
        {
            settings = new UserSettings { UserId = target.UserId };
            db.UserSettings.Add(settings);
        }

        var changed = false;
        void Set(ChannelKind kind, DeliveryMode from, DeliveryMode to, bool onlyFrom)
        {
            var current = settings.DeliveryFor(kind);
            if (current != to && (!onlyFrom || current == from))
            {
                settings.SetDeliveryFor(kind, to);
                changed = true;
            }
        }

        switch (target.Scope)
        {
            case UnsubscribeScope.Kind:
                Set((ChannelKind)target.Id, DeliveryMode.Off, off ? DeliveryMode.Off : DeliveryMode.Immediate, onlyFrom: !off);
                break;
            case UnsubscribeScope.All:
                foreach (var kind in Enum.GetValues<ChannelKind>())
                {
                    Set(kind, DeliveryMode.Off, off ? DeliveryMode.Off : DeliveryMode.Immediate, onlyFrom: !off);
                }

                if (settings.MentionsEnabled == off)
                {
                    settings.MentionsEnabled = !off;
                    changed = true;
                }

                break;
            case UnsubscribeScope.Digest:
                // Off only where the kind is still on digest delivery; an undo puts digests back where they are off.
                foreach (var kind in target.DigestKinds())
                {
                    Set(kind, off ? DeliveryMode.Digest : DeliveryMode.Off, off ? DeliveryMode.Off : DeliveryMode.Digest, onlyFrom: true);
                }

                break;
        }

        if (changed)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return changed;
    }

    /// <summary>What the target covers; null when its user, channel or title no longer exists.</summary>
    private async Task<UnsubscribeSubject?> DescribeAsync(UnsubscribeTarget target, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == target.UserId, cancellationToken))
        {
            return null;
        }

        switch (target.Scope)
        {
            case UnsubscribeScope.Channel:
                var channel = await db.Channels.AsNoTracking().Include(c => c.Title).SingleOrDefaultAsync(c => c.Id == target.Id, cancellationToken);
                return channel is null ? null : new UnsubscribeSubject(target.Scope, channel.Title!.Name, channel.Kind, channel.Language, ChannelNames.Display(channel));
            case UnsubscribeScope.Title:
                var title = await db.Titles.AsNoTracking().Where(t => t.Id == target.Id).Select(t => t.Name).SingleOrDefaultAsync(cancellationToken);
                return title is null ? null : new UnsubscribeSubject(target.Scope, title, null, null, null);
            case UnsubscribeScope.Kind:
                return new UnsubscribeSubject(target.Scope, null, (ChannelKind)target.Id, null, null);
            default:
                return new UnsubscribeSubject(target.Scope, null, null, null, null);
        }
    }

    public static string KindPlural(ChannelKind kind) => kind switch
    {
        ChannelKind.Internal => "Internal channels",
        ChannelKind.Broadcast => "Broadcast channels",
        _ => "Vendor channels",
    };
}
