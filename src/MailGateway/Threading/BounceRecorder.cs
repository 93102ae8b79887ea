using ClpMailGateway.Domain;
using ClpMailGateway.Parsing;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Threading;

/// <summary>Counts a bounce of one of our notifications against the recipient address: transient bounces are counted,
/// a permanent one suppresses notifications to that address until the user re-enables it.</summary>
public sealed class BounceRecorder(GatewayDbContext db, TimeProvider timeProvider)
{
    /// <returns>What was recorded, for the trace; null when the bounce is not about one of our users' addresses.</returns>
    public async Task<string?> RecordAsync(ReplyAnalysis bounce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bounce);
        if (bounce.BouncedRecipient is not { Length: > 0 } recipient)
        {
            return null;
        }

        var address = EmailAddress.Normalize(recipient);
        if (!await db.UserEmails.AnyAsync(e => e.Address == address, cancellationToken))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var health = await db.AddressHealth.SingleOrDefaultAsync(a => a.Address == address, cancellationToken);
        if (health is null)
        {
            health = new AddressHealth { Address = address };
            db.AddressHealth.Add(health);
        }

        if (bounce.BounceType == BounceType.Transient)
        {
            health.RecordTransient(now, "transient");
            return $"transient bounce #{health.TransientBounces} for {address}";
        }

        health.RecordPermanent(now, "permanent");
        return $"permanent bounce for {address}: notifications suppressed";
    }
}
