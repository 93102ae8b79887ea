using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>Threads every stored, pending inbound mail, each in its own transaction together with its post (or its
/// quarantine entry and rejection mail), so a crash at any point leaves it either wholly done or still pending.</summary>
public sealed class InboundProcessor(
    GatewayDbContext db,
    ReplyThreader threader,
    IInboundFaults faults,
    IOptions<ImapOptions> options,
    TimeProvider timeProvider,
    ILogger<InboundProcessor> logger)
{
    public async Task<IReadOnlyList<InboundMail>> ProcessPendingAsync(CancellationToken cancellationToken)
    {
        var ids = await db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Pending)
            .OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
        var done = new List<InboundMail>(ids.Count);
        foreach (var id in ids)
        {
            if (await ProcessOneAsync(id, cancellationToken) is { } mail)
            {
                done.Add(mail);
            }
        }

        return done;
    }

    /// <summary>Threads a quarantined mail again after its cause is fixed (the command line and the web's quarantine
    /// share this): the mail is set Pending with a fresh attempt count and processed at once. A posted mail is left as
    /// it is. Returns the mail as it is afterwards, or null when there is no such mail.</summary>
    public async Task<InboundMail?> ReplayAsync(long id, CancellationToken cancellationToken)
    {
        var status = await db.InboundMails.AsNoTracking().Where(m => m.Id == id)
            .Select(m => (InboundStatus?)m.Status).SingleOrDefaultAsync(cancellationToken);
        if (status is null)
        {
            return null;
        }

        if (status != InboundStatus.Posted)
        {
            await db.InboundMails.Where(m => m.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, InboundStatus.Pending).SetProperty(m => m.Attempts, 0), cancellationToken);
            await ProcessOneAsync(id, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
    }

    public async Task<InboundMail?> ProcessOneAsync(long id, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mail = await db.InboundMails.SingleAsync(m => m.Id == id, cancellationToken);
        if (mail.Status != InboundStatus.Pending)
        {
            return null;
        }

        try
        {
            mail.Attempts++;
            await threader.ThreadAsync(mail, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            faults.At(InboundStep.Posted, mail.Uid);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation(
                "Inbound mail {InboundId} uid {Uid} {MessageId}: {Status} {Reason}", mail.Id, mail.Uid, mail.MessageId, mail.Status, mail.Reason);
            return mail;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not PipelineCrashException)
        {
            // A bug or an outage, not a verdict on the mail: keep it pending and try again next poll, up to a limit.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            logger.LogError(ex, "Inbound mail {InboundId} uid {Uid} {MessageId} failed to process", id, mail.Uid, mail.MessageId);
            var attempts = mail.Attempts;
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var row = await db.InboundMails.SingleAsync(m => m.Id == id, CancellationToken.None);
            row.Attempts = attempts;
            InboundTrace.Add(row, now, "failed", $"{ex.GetType().Name}: {ex.Message}");
            if (attempts >= options.Value.MaxProcessingAttempts)
            {
                row.Status = InboundStatus.Rejected;
                row.Reason = RejectReasons.ProcessingFailed;
                row.ReasonDetail = $"Processing failed {attempts} times; last error: {ex.Message}";
                row.ProcessedAtUtc = now;
            }

            await db.SaveChangesAsync(CancellationToken.None);
            return null;
        }
    }
}
