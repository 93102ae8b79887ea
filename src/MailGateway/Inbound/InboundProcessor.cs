using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>Threads stored, pending inbound mails. Several mails share one transaction (one durable commit), each
/// inside its own savepoint together with its post (or its quarantine entry and rejection mail): a mail that fails is
/// rolled back to its savepoint alone and recorded as failed, the others of the group stay threaded. A crash at any
/// point leaves every mail of the open group still pending, never half done.</summary>
public sealed class InboundProcessor(
    GatewayDbContext db,
    ReplyThreader threader,
    LookupCache cache,
    IWakeups wakeups,
    WriteGate writeGate,
    IInboundFaults faults,
    IOptions<ImapOptions> options,
    IOptions<MailOptions> mailOptions,
    TimeProvider timeProvider,
    ILogger<InboundProcessor> logger)
{
    /// <summary>Mails threaded per transaction.</summary>
    public const int GroupSize = 100;

    /// <summary>Threads that parse the next group ahead: every core but the one the group in its transaction needs.</summary>
    public static int ParseAheadThreads { get; } = Math.Max(1, Environment.ProcessorCount - 1);

    private const string Savepoint = "inbound_mail";

    /// <summary>Threads every pending mail (oldest first) except those in <paramref name="skip"/> (already tried in this
    /// poll), reading each mail from the database.</summary>
    /// <returns>The status of each mail threaded by this call.</returns>
    public async Task<IReadOnlyList<InboundStatus>> ProcessPendingAsync(IReadOnlySet<long>? skip, CancellationToken cancellationToken)
    {
        var ids = await db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Pending)
            .OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
        var done = new List<InboundStatus>(ids.Count);
        foreach (var group in ids.Where(id => skip is null || !skip.Contains(id)).Chunk(GroupSize))
        {
            done.AddRange(await ProcessGroupAsync(group.Select(id => (id, (InboundMail?)null, (ParsedReply?)null)).ToList(), null, cancellationToken));
        }

        return done;
    }

    public Task<IReadOnlyList<InboundStatus>> ProcessPendingAsync(CancellationToken cancellationToken) => ProcessPendingAsync(null, cancellationToken);

    /// <summary>Threads mails this poll has just stored: the rows as <see cref="InboundStore"/> returned them, raw bytes
    /// included, so nothing is read back. A mail that is no longer pending in the database is skipped. The next group's
    /// mails are parsed and classified (<see cref="ReplyThreader.TryParse"/>) on other cores while the current group
    /// is in its transaction, so that work leaves the write lock and the serial path.</summary>
    /// <returns>The status of each mail threaded by this call.</returns>
    public Task<IReadOnlyList<InboundStatus>> ProcessStoredAsync(IReadOnlyList<InboundMail> mails, CancellationToken cancellationToken) =>
        ProcessStoredAsync(mails, null, cancellationToken);

    /// <summary>Starts parsing and classifying the first group of a batch of fetched mails (their raw bytes) on another
    /// thread before the batch is stored, so that <see cref="ProcessStoredAsync(IReadOnlyList{InboundMail}, Task{ParsedAhead}?, CancellationToken)"/>
    /// finds its first group ready instead of waiting for it.</summary>
    public Task<ParsedAhead> ParseEarly(IEnumerable<byte[]> raws, CancellationToken cancellationToken) => ParseAheadAsync(raws, cancellationToken);

    /// <param name="early">What <see cref="ParseEarly"/> parsed of these mails' bytes before they were stored, if it
    /// ran; a mail of the first group it did not parse is parsed while it is threaded.</param>
    public async Task<IReadOnlyList<InboundStatus>> ProcessStoredAsync(IReadOnlyList<InboundMail> mails, Task<ParsedAhead>? early, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mails);
        var done = new List<InboundStatus>(mails.Count);
        var groups = mails.Chunk(GroupSize).ToList();
        Task<ParsedAhead> ParseAsync(InboundMail[] group) => ParseAheadAsync(group.Select(m => m.Raw), cancellationToken);

        var next = groups.Count == 0 ? null : early ?? ParseAsync(groups[0]);
        for (var i = 0; i < groups.Count; i++)
        {
            var parsed = await next!;
            next = i + 1 < groups.Count ? ParseAsync(groups[i + 1]) : null;
            done.AddRange(await ProcessGroupAsync(groups[i].Select(m => (m.Id, (InboundMail?)m, parsed.Of(m.Raw))).ToList(), null, cancellationToken));
        }

        return done;
    }

    /// <summary>Parses and classifies on other threads (<see cref="ReplyThreader.TryParse"/>, files decoded) the first group's worth
    /// of these mails held in memory (a mail not in memory has no bytes here).</summary>
    private Task<ParsedAhead> ParseAheadAsync(IEnumerable<byte[]> fetched, CancellationToken cancellationToken)
    {
        var settings = mailOptions.Value;
        var raws = fetched.Where(r => r.Length > 0).Take(GroupSize).ToList();
        return Task.Run(
            () =>
            {
                // On all cores but one: parsing is the larger part of the CPU a mail costs, and the group in its
                // transaction waits on it otherwise; but that group is the serial path, and on every core the parsing
                // took the CPU it needed (on 2 cores, 5,000 mails: 16.3-17.2 s against 17.2-18.1 s on both, 4 pairs).
                var results = new ParsedReply?[raws.Count];
                Parallel.For(
                    0,
                    raws.Count,
                    new ParallelOptions { MaxDegreeOfParallelism = ParseAheadThreads, CancellationToken = cancellationToken },
                    i => results[i] = ReplyThreader.TryParse(raws[i], settings));
                var parsed = new Dictionary<byte[], ParsedReply?>(raws.Count, ReferenceEqualityComparer.Instance);
                for (var i = 0; i < raws.Count; i++)
                {
                    parsed.TryAdd(raws[i], results[i]);
                }

                return new ParsedAhead(parsed);
            },
            cancellationToken);
    }

    /// <summary>Threads a quarantined mail again after its cause is fixed (the command line and the web's quarantine
    /// share this): the mail is set Pending with a fresh attempt count and processed at once. A posted mail is left as
    /// it is. Returns the mail as it is afterwards, or null when there is no such mail.</summary>
    public Task<InboundMail?> ReplayAsync(long id, CancellationToken cancellationToken) => ReplayAsync(id, null, cancellationToken);

    /// <param name="channelOverride">A channel of the reply's title an operator chose ("post to…"), or null to thread
    /// the mail as it came; permission is decided again either way.</param>
    public async Task<InboundMail?> ReplayAsync(long id, int? channelOverride, CancellationToken cancellationToken)
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
            await ProcessGroupAsync([(id, null, null)], channelOverride, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>Threads one pending mail in its own transaction; null when it is not pending (or failed this time).</summary>
    public async Task<InboundMail?> ProcessOneAsync(long id, CancellationToken cancellationToken)
    {
        var statuses = await ProcessGroupAsync([(id, null, null)], null, cancellationToken);
        if (statuses.Count == 0)
        {
            return null;
        }

        db.ChangeTracker.Clear();
        return await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>One transaction for the group, one savepoint per mail. Lookups that do not change within the
    /// transaction (token rows, users, channels, access) are made once per group, and kept for the next group
    /// while nothing they read has changed since (<see cref="LookupCache.LookupVersion"/>).</summary>
    private async Task<List<InboundStatus>> ProcessGroupAsync(
        IReadOnlyList<(long Id, InboundMail? Stored, ParsedReply? Parsed)> group, int? channelOverride, CancellationToken cancellationToken)
    {
        var done = new List<InboundStatus>(group.Count);
        db.ChangeTracker.Clear();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        using var lookups = cache.Begin(await LookupCache.LookupVersion(db, cancellationToken));
        // Claimed for this transaction: a mail another process is threading (or has threaded) is passed over.
        var pending = await db.Dialect.Inbound.ClaimPendingAsync(db, group.Select(g => g.Id).ToList(), cancellationToken);
        await using var outcome = PrepareOutcome();
        // Plain prepared statements: EF's savepoint methods build and run a new command each time (~160 us a mail).
        await using var savepoint = db.CreateCommand();
        savepoint.CommandText = "SAVEPOINT " + Savepoint;
        await using var release = db.CreateCommand();
        release.CommandText = "RELEASE " + Savepoint;
        foreach (var (id, stored, parsed) in group)
        {
            if (!pending.TryGetValue(id, out var size))
            {
                continue;
            }

            await savepoint.ExecuteNonQueryAsync(cancellationToken);
            InboundMail? mail = null;
            try
            {
                // The mail is not tracked: its outcome is written by the prepared UPDATE below.
                mail = stored // just stored by this poll: the row we have (its raw bytes in memory), not read back
                    ?? (size >= InboundStore.StreamedBytes
                        ? await LoadWithoutRawAsync(id, cancellationToken) // read from its row while it is threaded, not loaded whole
                        : await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken));
                mail.Attempts++;
                await threader.ThreadAsync(mail, parsed, channelOverride, cancellationToken);
                await outcome.ExecuteAsync(mail);
                if (db.ChangeTracker.HasChanges())
                {
                    // What the threading added beside the post: a rejection mail, an address's health, a reply token.
                    await db.SaveChangesAsync(cancellationToken);
                }

                faults.At(InboundStep.Posted, mail.Uid);
                await release.ExecuteNonQueryAsync(cancellationToken);
                done.Add(mail.Status);
                logger.LogInformation(
                    "Inbound mail {InboundId} uid {Uid} {MessageId}: {Status} {Reason}", mail.Id, mail.Uid, mail.MessageId, mail.Status, mail.Reason);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not PipelineCrashException)
            {
                // A bug or an outage, not a verdict on the mail: undo this mail alone, keep it pending and try again next
                // poll, up to a limit.
                await transaction.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
                db.ChangeTracker.Clear();
                cache.Clear(); // it may hold rows (reply tokens) that were just rolled back
                await RecordFailureAsync(id, mail, ex);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        await transaction.CommitAsync(cancellationToken);
        lookups.Keep();
        if (done.Contains(InboundStatus.Posted))
        {
            await wakeups.PublishAsync(Wakeup.Posted, cancellationToken);
        }

        return done;
    }

    /// <summary>The statement that writes a threaded mail's outcome: one prepared single-row UPDATE per mail in the
    /// group's transaction instead of EF's change tracking of the row (~0.6 ms a mail on the serial path).</summary>
    private RowUpdate<InboundMail> PrepareOutcome() => RowUpdate<InboundMail>.Prepare(
        db,
        nameof(InboundMail.Id),
        nameof(InboundMail.Status),
        nameof(InboundMail.Kind),
        nameof(InboundMail.Reason),
        nameof(InboundMail.ReasonDetail),
        nameof(InboundMail.PostedMessageId),
        nameof(InboundMail.UserId),
        nameof(InboundMail.ChannelId),
        nameof(InboundMail.ProcessedAtUtc),
        nameof(InboundMail.Attempts),
        nameof(InboundMail.Trace));

    /// <summary>Every column of a stored mail but its raw bytes (<see cref="InboundMail.Raw"/> empty).</summary>
    internal Task<InboundMail> LoadWithoutRawAsync(long id, CancellationToken cancellationToken) =>
        db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(InboundStore.WithoutRaw).SingleAsync(cancellationToken);

    private async Task RecordFailureAsync(long id, InboundMail? mail, Exception ex)
    {
        logger.LogError(ex, "Inbound mail {InboundId} uid {Uid} {MessageId} failed to process", id, mail?.Uid, mail?.MessageId);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        // As committed before this attempt (the savepoint is rolled back): its attempts do not count this one yet. Still
        // claimed by this transaction, so still pending; counted only then.
        var row = await LoadWithoutRawAsync(id, CancellationToken.None);
        if (row.Status != InboundStatus.Pending)
        {
            return;
        }

        db.InboundMails.Attach(row);
        var attempts = ++row.Attempts;
        InboundTrace.Add(row, now, "failed", $"{ex.GetType().Name}: {ex.Message}");
        if (attempts >= options.Value.MaxProcessingAttempts)
        {
            row.Status = InboundStatus.Rejected;
            row.Reason = RejectReasons.ProcessingFailed;
            row.ReasonDetail = $"Processing failed {attempts} times; last error: {ex.Message}";
            row.ProcessedAtUtc = now;
        }

        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
    }
}

/// <summary>Mails parsed and classified ahead of their transaction, from their fetched bytes before they were stored
/// (<see cref="InboundProcessor.ParseEarly"/>) or from the stored rows a group ahead, by the identity of the byte array
/// the stored row keeps.</summary>
public sealed record ParsedAhead(IReadOnlyDictionary<byte[], ParsedReply?> Parsed)
{
    /// <summary>The mail of these bytes as parsed ahead, or null: then it is parsed while it is threaded.</summary>
    public ParsedReply? Of(byte[] raw) => Parsed.GetValueOrDefault(raw);
}
