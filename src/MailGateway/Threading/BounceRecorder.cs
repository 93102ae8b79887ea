using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Parsing;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Threading;

/// <summary>
/// Counts a bounce against an address only when it proves itself: it came back to the return path of one mail we sent
/// (<see cref="ReturnPaths"/>, VERP) and names the recipient that mail went to. Then the address's score grows (a hard
/// bounce more than a soft one, <see cref="BounceOptions"/>) and past the threshold its mail is suppressed until the user
/// turns it back on. A forged report, a report to the plain gateway address or about another address changes nothing.
/// </summary>
public sealed class BounceRecorder(
    GatewayDbContext db, IOptions<MailOptions> mailOptions, IOptions<ReplyTokenOptions> keys, IOptions<BounceOptions> bounceOptions, TimeProvider timeProvider)
{
    /// <summary>Where a returned mail says it was delivered: the return path the bounce was sent to.</summary>
    private static readonly string[] DeliveryHeaders = ["Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"];

    /// <returns>What was recorded, or why nothing was, for the trace.</returns>
    public async Task<string> RecordAsync(MimeMessage message, ReplyAnalysis bounce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(bounce);
        var returnPath = ReturnPathOf(message);
        if (returnPath is null)
        {
            return "not sent to the return path of a mail we sent: not counted";
        }

        var sent = await db.OutboundMails.AsNoTracking().Where(m => m.EnvelopeFrom == returnPath)
            .Select(m => new { m.Id, m.ToAddress }).FirstOrDefaultAsync(cancellationToken);
        if (sent is null)
        {
            return "its return path names no mail we still know of: not counted";
        }

        var recipient = bounce.BouncedRecipient is { Length: > 0 } named ? EmailAddress.Normalize(named) : null;
        if (recipient != sent.ToAddress)
        {
            return $"names {recipient ?? "no recipient"}, not {sent.ToAddress} whom mail {sent.Id} went to: not counted";
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        // The row made first if missing (ON CONFLICT DO NOTHING): two processes recording bounces of one address at once
        // both update it instead of both inserting it.
        await db.Dialect.Queries.EnsureAddressHealthAsync(db, recipient, cancellationToken);
        var health = await db.AddressHealth.SingleAsync(a => a.Address == recipient, cancellationToken);

        var options = bounceOptions.Value;
        var permanent = bounce.BounceType != BounceType.Transient;
        var detail = $"{(permanent ? "permanent" : "temporary")} failure reported for mail {sent.Id}";
        var suppressed = health.Record(
            permanent, permanent ? options.HardBounceScore : options.SoftBounceScore, options.SuppressAtScore, options.ScoreHalfLife, now, detail);
        var score = health.BounceScore.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        return suppressed
            ? $"{detail}: {recipient} at score {score}, mail to it suppressed"
            : $"{detail}: {recipient} at score {score}";
    }

    private string? ReturnPathOf(MimeMessage message)
    {
        foreach (var name in DeliveryHeaders)
        {
            foreach (var header in message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var address in InternetAddressList.TryParse(header.Value, out var list) ? list.Mailboxes.Select(m => m.Address) : [header.Value])
                {
                    if (ReturnPaths.TryVerify(mailOptions.Value, keys.Value, address, out var returnPath))
                    {
                        return returnPath;
                    }
                }
            }
        }

        return null;
    }
}
