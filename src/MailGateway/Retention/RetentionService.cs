using System.Diagnostics;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Retention;

/// <summary>
/// Removes what the gateway keeps no longer (<see cref="RetentionOptions"/>); what was posted (messages, files) is never
/// touched:
/// <list type="bullet">
/// <item>the raw bytes of a threaded inbound mail: <see cref="InboundStatus.Posted"/> or <see cref="InboundStatus.Ignored"/>,
/// <see cref="RetentionOptions.InboundRawAfter"/> after <see cref="InboundMail.ProcessedAtUtc"/>. The row stays with its
/// idempotency key (Message-ID, SHA-256), marked <see cref="InboundMail.RawRemovedAtUtc"/>.</item>
/// <item>a quarantined mail (<see cref="InboundStatus.Rejected"/>) is resolved when an operator's replay or "post to"
/// posts it: it is then <see cref="InboundStatus.Posted"/>, its <see cref="InboundMail.ProcessedAtUtc"/> the time of
/// that resolution, and the rule above applies. One still rejected is deleted, row and raw bytes,
/// <see cref="RetentionOptions.QuarantineAfter"/> after it was last quarantined.</item>
/// <item>the body of a sent mail (<see cref="RetentionOptions.SentBodyAfter"/> after it was sent) or a given-up one
/// (<see cref="RetentionOptions.FailedBodyAfter"/> after it was queued): <see cref="OutboundMail.Raw"/> cut to its
/// header block, marked <see cref="OutboundMail.BodyRemovedAtUtc"/>. A pending mail is never touched, and nothing makes
/// a sent or failed mail pending again.</item>
/// <item>sign-in links used or expired <see cref="RetentionOptions.LinksAfter"/> ago, deleted; the secret of an
/// address-verification link expired that long ago, cleared (the address stays, unverified, and can be sent a new
/// link).</item>
/// </list>
/// Work goes in batches of <see cref="RetentionOptions.BatchSize"/> rows, each its own short transaction holding the
/// <c>retention</c> lock (<see cref="ITransactionLocks"/>), and each statement checks again what makes a row due, so two
/// processes running it at once remove (and count) each row once.
/// </summary>
public sealed class RetentionService(
    GatewayDbContext db,
    WriteGate writeGate,
    IOptions<RetentionOptions> options,
    RetentionMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RetentionService> logger)
{
    private const string LockKey = "retention";

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var result = new RetentionResult(
            await RemoveAsync(RetentionKinds.InboundRaw, (ids, token) => RemoveInboundRawAsync(ids, now, now - settings.InboundRawAfter, token),
                () => DueInboundRaw(now - settings.InboundRawAfter), cancellationToken),
            await RemoveAsync(RetentionKinds.QuarantinedMail, (ids, token) => DeleteQuarantinedAsync(ids, now - settings.QuarantineAfter, token),
                () => DueQuarantined(now - settings.QuarantineAfter), cancellationToken),
            await RemoveAsync(RetentionKinds.OutboundBody, (ids, token) => CutOutboundAsync(ids, now, now - settings.SentBodyAfter, now - settings.FailedBodyAfter, token),
                () => DueOutbound(now - settings.SentBodyAfter, now - settings.FailedBodyAfter), cancellationToken),
            await RemoveAsync(RetentionKinds.SignInLink, (ids, token) => DueSignInLinks(now - settings.LinksAfter).Where(l => ids.Contains(l.Id)).ExecuteDeleteAsync(token),
                () => DueSignInLinks(now - settings.LinksAfter).Select(l => l.Id), cancellationToken),
            await RemoveAsync(RetentionKinds.VerificationLink, (ids, token) => DueVerifications(now - settings.LinksAfter).Where(e => ids.Contains(e.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.VerificationSecretHash, (string?)null), token),
                () => DueVerifications(now - settings.LinksAfter).Select(e => (long)e.Id), cancellationToken));
        logger.LogInformation(
            "Retention: {InboundRaw} raw inbound mails, {Quarantined} quarantined mails, {OutboundBodies} outbound bodies, {SignInLinks} sign-in links, "
            + "{VerificationLinks} verification links removed ({Seconds:0.0} s)",
            result.InboundRaw, result.QuarantinedMails, result.OutboundBodies, result.SignInLinks, result.VerificationLinks,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
        return result;
    }

    /// <summary>Removes one kind batch by batch: each batch's ids are chosen and removed in one transaction holding the
    /// retention lock, until a batch finds nothing due.</summary>
    /// <returns>The rows removed by this call.</returns>
    private async Task<long> RemoveAsync(
        string kind, Func<List<long>, CancellationToken, Task<int>> remove, Func<IQueryable<long>> due, CancellationToken cancellationToken)
    {
        long removed = 0;
        var batch = options.Value.BatchSize;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int done;
            List<long> ids;
            using (await writeGate.EnterAsync(cancellationToken))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Dialect.Locks.LockAsync(db, LockKey, cancellationToken);
                ids = await due().Order().Take(batch).ToListAsync(cancellationToken);
                done = ids.Count == 0 ? 0 : await remove(ids, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            removed += done;
            metrics.Removed(kind, done);
            if (ids.Count < batch)
            {
                return removed;
            }
        }
    }

    private IQueryable<long> DueInboundRaw(DateTime threadedBefore) =>
        db.InboundMails.Where(m => m.RawRemovedAtUtc == null && (m.Status == InboundStatus.Posted || m.Status == InboundStatus.Ignored)
            && m.ProcessedAtUtc <= threadedBefore).Select(m => m.Id);

    private IQueryable<long> DueQuarantined(DateTime quarantinedBefore) =>
        db.InboundMails.Where(m => m.Status == InboundStatus.Rejected && (m.ProcessedAtUtc ?? m.ReceivedAtUtc) <= quarantinedBefore).Select(m => m.Id);

    private IQueryable<long> DueOutbound(DateTime sentBefore, DateTime queuedBefore) =>
        db.OutboundMails.Where(m => m.BodyRemovedAtUtc == null
            && ((m.Status == OutboundStatus.Sent && m.SentAtUtc <= sentBefore) || (m.Status == OutboundStatus.Failed && m.CreatedAtUtc <= queuedBefore)))
            .Select(m => m.Id);

    private IQueryable<SignInLink> DueSignInLinks(DateTime before) =>
        db.Set<SignInLink>().Where(l => l.ExpiresAtUtc <= before || l.UsedAtUtc <= before);

    private IQueryable<UserEmail> DueVerifications(DateTime before) =>
        db.UserEmails.Where(e => e.VerificationSecretHash != null && e.VerifiedAtUtc == null && e.VerificationExpiresAtUtc <= before);

    /// <summary>Marks the mails' rows, then empties the raw bytes of every marked row of the batch's range (the bytes
    /// live in a table of their own, <see cref="BlobColumn.InboundRaw"/>).</summary>
    private async Task<int> RemoveInboundRawAsync(List<long> ids, DateTime now, DateTime threadedBefore, CancellationToken cancellationToken)
    {
        var marked = await db.InboundMails
            .Where(m => ids.Contains(m.Id) && m.RawRemovedAtUtc == null && (m.Status == InboundStatus.Posted || m.Status == InboundStatus.Ignored)
                && m.ProcessedAtUtc <= threadedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.RawRemovedAtUtc, now), cancellationToken);
        var (first, last) = (ids.Min(), ids.Max());
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE "InboundMailRaws" SET "Raw" = {Array.Empty<byte>()}
            WHERE "Id" BETWEEN {first} AND {last} AND length("Raw") > 0
              AND "Id" IN (SELECT "Id" FROM "InboundMails" WHERE "Id" BETWEEN {first} AND {last} AND "RawRemovedAtUtc" IS NOT NULL)
            """,
            cancellationToken);
        return marked;
    }

    /// <summary>Deletes the quarantined mails still due; their raw bytes go with their rows (the raw table's key is a
    /// foreign key that cascades), and any raw row left without its mail in the batch's range is deleted too.</summary>
    private async Task<int> DeleteQuarantinedAsync(List<long> ids, DateTime quarantinedBefore, CancellationToken cancellationToken)
    {
        var (first, last) = (ids.Min(), ids.Max());
        var rejected = nameof(InboundStatus.Rejected);
        var deleted = await db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM "InboundMails"
            WHERE "Id" BETWEEN {first} AND {last} AND "Status" = {rejected} AND COALESCE("ProcessedAtUtc", "ReceivedAtUtc") <= {quarantinedBefore}
            """,
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM "InboundMailRaws"
            WHERE "Id" BETWEEN {first} AND {last} AND NOT EXISTS (SELECT 1 FROM "InboundMails" m WHERE m."Id" = "InboundMailRaws"."Id")
            """,
            cancellationToken);
        return deleted;
    }

    /// <summary>Cuts each mail to its header block: up to and including the first empty line (CRLF CRLF, or LF LF for a
    /// mail stored with bare line ends); a mail without a body is kept whole.</summary>
    private async Task<int> CutOutboundAsync(List<long> ids, DateTime now, DateTime sentBefore, DateTime queuedBefore, CancellationToken cancellationToken)
    {
        var (first, last) = (ids.Min(), ids.Max());
        var (sent, failed) = (nameof(OutboundStatus.Sent), nameof(OutboundStatus.Failed));
        var headers = db.Dialect.Provider == DatabaseProvider.Postgres
            ? """
              CASE WHEN position(decode('0d0a0d0a', 'hex') IN "Raw") > 0 THEN substring("Raw" FROM 1 FOR position(decode('0d0a0d0a', 'hex') IN "Raw") + 1)
                   WHEN position(decode('0a0a', 'hex') IN "Raw") > 0 THEN substring("Raw" FROM 1 FOR position(decode('0a0a', 'hex') IN "Raw"))
                   ELSE "Raw" END
              """
            : """
              CASE WHEN instr("Raw", X'0D0A0D0A') > 0 THEN substr("Raw", 1, instr("Raw", X'0D0A0D0A') + 1)
                   WHEN instr("Raw", X'0A0A') > 0 THEN substr("Raw", 1, instr("Raw", X'0A0A'))
                   ELSE "Raw" END
              """;
#pragma warning disable EF1002 // the header expression is one of the two constants above; every value is a parameter
        return await db.Database.ExecuteSqlRawAsync(
            $$"""
            UPDATE "OutboundMails" SET "Raw" = {{headers}}, "BodyRemovedAtUtc" = {0}
            WHERE "Id" BETWEEN {1} AND {2} AND "BodyRemovedAtUtc" IS NULL
              AND (("Status" = {3} AND "SentAtUtc" <= {4}) OR ("Status" = {5} AND "CreatedAtUtc" <= {6}))
            """,
            [now, first, last, sent, sentBefore, failed, queuedBefore],
            cancellationToken);
#pragma warning restore EF1002
    }
}

/// <summary>What one retention run removed, by kind.</summary>
public sealed record RetentionResult(long InboundRaw, long QuarantinedMails, long OutboundBodies, long SignInLinks, long VerificationLinks);
