using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Unsubscribe;

/// <summary>The effect of a one-click unsubscribe link: the user's delivery for that channel kind becomes Off.
/// Idempotent. The web's <c>POST /unsubscribe/{token}</c> (RFC 8058) calls <see cref="ApplyAsync"/>.</summary>
public sealed class UnsubscribeService(GatewayDbContext db, IOptions<ReplyTokenOptions> tokenOptions, ILogger<UnsubscribeService> logger)
{
    public async Task<UnsubscribeResult> ApplyAsync(string? token, CancellationToken cancellationToken)
    {
        if (!UnsubscribeTokenCodec.TryVerify(tokenOptions.Value, token, out var userId, out var kind))
        {
            return new UnsubscribeResult(UnsubscribeOutcome.InvalidToken, 0, default);
        }

        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return new UnsubscribeResult(UnsubscribeOutcome.UnknownUser, userId, kind);
        }

        var settings = await db.UserSettings.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (settings is null)
        {
            settings = new UserSettings { UserId = userId };
            db.UserSettings.Add(settings);
        }

        if (settings.DeliveryFor(kind) == DeliveryMode.Off)
        {
            return new UnsubscribeResult(UnsubscribeOutcome.AlreadyOff, userId, kind);
        }

        settings.SetDeliveryFor(kind, DeliveryMode.Off);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("User {UserId} unsubscribed from {Kind} mail", userId, kind);
        return new UnsubscribeResult(UnsubscribeOutcome.TurnedOff, userId, kind);
    }
}
