using ClpMailGateway.Domain;
using ClpMailGateway.Hosting;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using ClpMailGateway.Threading;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>Threads stored, pending inbound mails. Several mails share one transaction (one durable commit), each
/// inside its own savepoint together with its post (or its quarantine entry and rejection mail): a mail that fails is
/// rolled back to its savepoint alone and recorded as failed, the others of the group stay threaded. A crash at any
/// point leaves every mail of the open group still pending, never half done.
/// <para>Every attempt at a mail is committed before the mail is parsed (by the store for a mail just fetched, by
/// <see cref="ProcessPendingAsync(IReadOnlySet{long}?, CancellationToken)"/> for one left pending), so an attempt that
/// ends with the process (a crash no handler catches, a kill) still counts: a mail left pending is taken alone, the
/// most tried last, and past <see cref="ImapOptions.MaxProcessingAttempts"/> it is quarantined without being parsed
/// again. Every parse runs on <see cref="BoundedParser"/>, within its time and memory limits.</para></summary>
public sealed class InboundProcessor(
    GatewayDbContext db,
    ReplyThreader threader,
    LookupCache cache,
    IWakeups wakeups,
    WriteGate writeGate,
    BoundedParser parser,
    GatewayConnectionString connectionString,
    IInboundFaults faults,
    IOptions<ImapOptions> options,
    InboundMetrics metrics,
    TimeProvider timeProvider,
    ILogger<InboundProcessor> logger)
{
    /// <summary>Mails threaded per transaction.</summary>
    public const int GroupSize = 100;

    /// <summary>Threads that parse the next group ahead: every core but the one the group in its transaction needs.</summary>
    public static int ParseAheadThreads { get; } = Math.Max(1, Environment.ProcessorCount - 1);

    private const string Savepoint = "inbound_mail";

    /// <summary>Threads every pending mail except those in <paramref name="skip"/> (already tried in this poll), each
    /// alone: its attempt is committed first, then it is read from the database, parsed and threaded in a transaction of
    /// its own. Mails tried least come first, so a mail that stopped the gateway before does not hold up the others.</summary>
    /// <returns>The status of each mail threaded by this call.</returns>
    public async Task<IReadOnlyList<InboundStatus>> ProcessPendingAsync(IReadOnlySet<long>? skip, CancellationToken cancellationToken)
    {
        var ids = await db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Pending)
            .OrderBy(m => m.Attempts).ThenBy(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
        var done = new List<InboundStatus>(ids.Count);
        foreach (var id in ids.Where(id => skip is null || !skip.Contains(id)))
        {
            done.AddRange(await ProcessAloneAsync(id, null, cancellationToken));
        }

        return done;
    }

    public Task<IReadOnlyList<InboundStatus>> ProcessPendingAsync(CancellationToken cancellationToken) => ProcessPendingAsync(null, cancellationToken);

    /// <summary>Threads stored mails a poll announced (<see cref="Storage.Wakeup.Stored"/>), each alone, newest first: the
    /// poller threads its batches oldest first, so the two meet in the middle instead of parsing the same mails. Mails
    /// tried more than once are left to the poll's retries.</summary>
    /// <returns>The status of each mail threaded by this call.</returns>
    public async Task<IReadOnlyList<InboundStatus>> ProcessAnnouncedAsync(CancellationToken cancellationToken)
    {
        var ids = await db.InboundMails.AsNoTracking().Where(m => m.Status == InboundStatus.Pending && m.Attempts <= 1)
            .OrderByDescending(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
        var done = new List<InboundStatus>(ids.Count);
        foreach (var id in ids)
        {
            done.AddRange(await ProcessAloneAsync(id, null, cancellationToken));
        }

        return done;
    }

    /// <summary>Threads mails this poll has just stored (their first attempt committed with them): the rows as
    /// <see cref="InboundStore"/> returned them, raw bytes included, so nothing is read back. A mail that is no longer
    /// pending in the database is skipped. The next group's mails are parsed and classified on other cores
    /// (<see cref="BoundedParser"/>) while the current group is in its transaction, so that work leaves the write lock
    /// and the serial path.</summary>
    /// <returns>The status of each mail threaded by this call.</returns>
    public Task<IReadOnlyList<InboundStatus>> ProcessStoredAsync(IReadOnlyList<InboundMail> mails, CancellationToken cancellationToken) =>
        ProcessStoredAsync(mails, null, cancellationToken);

    /// <summary>Starts parsing and classifying the first group of a batch of stored mails (their raw bytes) on other
    /// threads while the checkpoint is saved, so that <see cref="ProcessStoredAsync(IReadOnlyList{InboundMail}, Task{ParsedAhead}?, CancellationToken)"/>
    /// finds its first group ready instead of waiting for it. Only for mails whose attempt is committed (stored).</summary>
    public Task<ParsedAhead> ParseEarly(IEnumerable<byte[]> raws, CancellationToken cancellationToken) => ParseAheadAsync(raws, cancellationToken);

    /// <param name="early">What <see cref="ParseEarly"/> parsed of these mails' bytes, if it ran; a mail of the first
    /// group it did not parse is parsed while it is threaded.</param>
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

    /// <summary>Parses and classifies on other threads (<see cref="BoundedParser"/>, files decoded) the first group's worth
    /// of these mails held in memory (a mail not in memory has no bytes here).</summary>
    private async Task<ParsedAhead> ParseAheadAsync(IEnumerable<byte[]> fetched, CancellationToken cancellationToken)
    {
        var raws = fetched.Where(r => r.Length > 0).Take(GroupSize).ToList();
        var outcomes = await Task.WhenAll(raws.Select(raw => parser.ParseAsync(raw, decodeFiles: true, urgent: false, "a fetched mail")))
            .WaitAsync(cancellationToken);
        var parsed = new Dictionary<byte[], ParseOutcome>(raws.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < raws.Count; i++)
        {
            parsed.TryAdd(raws[i], outcomes[i]);
        }

        return new ParsedAhead(parsed);
    }

    /// <summary>Threads a quarantined mail again after its cause is fixed (the command line and the web's quarantine
    /// share this): the mail is set Pending with a fresh attempt count and processed at once. A posted mail is left as
    /// it is. Returns the mail as it is afterwards, or null when there is no such mail.</summary>
    /// <exception cref="Retention.RawRemovedException">The mail's raw bytes were removed by retention.</exception>
    public Task<InboundMail?> ReplayAsync(long id, CancellationToken cancellationToken) => ReplayAsync(id, null, cancellationToken);

    /// <param name="channelOverride">A channel of the reply's title an operator chose ("post to…"), or null to thread
    /// the mail as it came; permission is decided again either way.</param>
    public async Task<InboundMail?> ReplayAsync(long id, int? channelOverride, CancellationToken cancellationToken)
    {
        var found = await db.InboundMails.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new { m.Status, m.RawRemovedAtUtc }).SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        if (found.Status != InboundStatus.Posted)
        {
            if (found.RawRemovedAtUtc is { } removed)
            {
                throw new Retention.RawRemovedException(id, removed);
            }

            // Retention never empties a pending mail, and never one it finds pending.
            if (await db.InboundMails.Where(m => m.Id == id && m.RawRemovedAtUtc == null).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, InboundStatus.Pending).SetProperty(m => m.Attempts, 0), cancellationToken) == 0)
            {
                return await ReplayAsync(id, channelOverride, cancellationToken);
            }

            await ProcessAloneAsync(id, channelOverride, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>Threads one pending mail in its own transaction; null when it is not pending (or failed this time).</summary>
    public async Task<InboundMail?> ProcessOneAsync(long id, CancellationToken cancellationToken)
    {
        var statuses = await ProcessAloneAsync(id, null, cancellationToken);
        if (statuses.Count == 0)
        {
            return null;
        }

        db.ChangeTracker.Clear();
        return await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>One pending mail on its own: its attempt committed, then (unless it is past the limit of attempts, when
    /// it is quarantined unread) read, parsed within the limits, and threaded in its own transaction.</summary>
    /// <param name="channelOverride">A channel an operator chose for the reply (<see cref="ReplayAsync(long, int?, CancellationToken)"/>).</param>
    private async Task<IReadOnlyList<InboundStatus>> ProcessAloneAsync(long id, int? channelOverride, CancellationToken cancellationToken)
    {
        // Another process may be at this mail (several gateways on one database): then it is left to that one, and its
        // attempt is not counted twice.
        await using var alone = await db.Dialect.Inbound.TryClaimAloneAsync(db, id, cancellationToken);
        if (alone is null)
        {
            return [];
        }

        var attempts = await RecordAttemptAsync(id, cancellationToken);
        if (attempts is null)
        {
            return []; // threaded meanwhile, or gone
        }

        var max = options.Value.MaxProcessingAttempts;
        if (attempts > max)
        {
            await GiveUpAsync(id, max, cancellationToken);
            return [InboundStatus.Rejected];
        }

        db.ChangeTracker.Clear();
        var mail = await LoadWithoutRawAsync(id, cancellationToken);
        ConnectionStream? stored = null;
        try
        {
            ParseOutcome outcome;
            if (mail.SizeBytes >= InboundStore.StreamedBytes)
            {
                stored = await OpenRawOnItsOwnConnectionAsync(id, cancellationToken);
                var open = stored;
                outcome = await parser.ParseAsync(() => open, decodeFiles: false, urgent: true, Label(mail)).WaitAsync(cancellationToken);
            }
            else
            {
                mail.Raw = await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(m => m.Raw).SingleAsync(cancellationToken);
                outcome = await parser.ParseAsync(mail.Raw, decodeFiles: true, urgent: true, Label(mail)).WaitAsync(cancellationToken);
            }

            return await ProcessGroupAsync([(id, mail, outcome)], channelOverride, cancellationToken);
        }
        finally
        {
            if (stored is not null)
            {
                await stored.DisposeAsync();
            }
        }
    }

    /// <summary>Commits one more attempt at a pending mail, with a line in its trace when it is not the first; returns
    /// the attempts so far, this one included, or null when the mail is not pending.</summary>
    private async Task<int?> RecordAttemptAsync(long id, CancellationToken cancellationToken)
    {
        var at = timeProvider.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var turn = await writeGate.EnterAsync(cancellationToken);
        return await db.Dialect.Inbound.RecordAttemptAsync(db, id, at, cancellationToken);
    }

    /// <summary>Quarantines a mail whose attempts all ended without an outcome, without reading it again: the last of
    /// them (at least) ended with the process, so the mail may be what ends it.</summary>
    private async Task GiveUpAsync(long id, int tried, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        var row = await LoadWithoutRawAsync(id, cancellationToken);
        db.InboundMails.Attach(row);
        row.Attempts = tried;
        row.Status = InboundStatus.Rejected;
        row.Reason = RejectReasons.ProcessingFailed;
        row.ReasonDetail = $"Handled {tried} times without an outcome, the last time ending with the gateway itself (a crash or a kill); "
            + "it is not read again by itself, since it may be what stops the gateway. Replay it once the cause is known.";
        row.ProcessedAtUtc = now;
        InboundTrace.Add(row, now, "rejected", $"{RejectReasons.ProcessingFailed}: not read again after {tried} attempts without an outcome");
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        metrics.Threaded(row.Status, row.Kind, row.Reason, row.ReceivedAtUtc, now);
        logger.LogError(
            "Inbound mail {InboundId} uid {Uid} {MessageId} quarantined unread: {Attempts} attempts ended without an outcome, the last with the gateway stopping",
            row.Id, row.Uid, row.MessageId, tried);
    }

    /// <summary>A read-only stream over a stored mail's raw bytes on a database connection of its own, closed with the
    /// stream: a parse given up at its time limit may still be reading it while the pipeline goes on with its own
    /// connection.</summary>
    private async Task<ConnectionStream> OpenRawOnItsOwnConnectionAsync(long id, CancellationToken cancellationToken)
    {
        var reader = db.Dialect.Blobs.OpenReader(connectionString.Value);
        try
        {
            return new ConnectionStream(await reader.OpenReadAsync(BlobColumn.InboundRaw, id, cancellationToken), reader);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    private static string Label(InboundMail mail) => $"inbound mail {mail.Id} uid {mail.Uid} {mail.MessageId}";

    /// <summary>One transaction for the group, one savepoint per mail. Lookups that do not change within the
    /// transaction (token rows, users, channels, access) are made once per group, and kept for the next group
    /// while nothing they read has changed since (<see cref="LookupCache.LookupVersion"/>).</summary>
    private async Task<List<InboundStatus>> ProcessGroupAsync(
        List<(long Id, InboundMail? Stored, ParseOutcome? Parsed)> group, int? channelOverride, CancellationToken cancellationToken)
    {
        var done = new List<InboundStatus>(group.Count);
        db.ChangeTracker.Clear();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        using var lookups = cache.Begin(await LookupCache.LookupVersion(db, cancellationToken));
        // Claimed for this transaction: a mail another process is threading (or has threaded) is passed over.
        var pending = await db.Dialect.Inbound.ClaimPendingAsync(db, group.Select(g => g.Id).ToList(), cancellationToken);
        await using var outcome = PrepareOutcome();
        await using var savepoint = Storage.Savepoint.Prepare(db, Savepoint);
        var finished = new List<(Activity Journey, InboundMail Mail)>(group.Count);
        var outer = Activity.Current;
        foreach (var (id, stored, parsedAhead) in group)
        {
            var parsed = parsedAhead;
            if (!pending.TryGetValue(id, out var size))
            {
                continue;
            }

            await savepoint.SetAsync(cancellationToken);
            InboundMail? mail = null;
            ConnectionStream? fromRow = null;
            Activity? journey = null;
            IDisposable? mailScope = null;
            try
            {
                // The mail is not tracked: its outcome is written by the prepared UPDATE below. Its attempt is already
                // counted (committed before it was parsed).
                mail = stored // stored by this poll (its raw bytes in memory), or read by ProcessAloneAsync: not read back
                    ?? (size >= InboundStore.StreamedBytes
                        ? await LoadWithoutRawAsync(id, cancellationToken) // read from its row while it is threaded, not loaded whole
                        : await db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken));
                // Everything below, logs included, belongs to the mail's own trace and names the mail.
                journey = InboundJourneys.Resume(mail);
                Activity.Current = journey;
                mailScope = logger.BeginScope(new[] { new KeyValuePair<string, object?>("InboundId", mail.Id) });
                if (parsed is null)
                {
                    // Not parsed ahead: a mail streamed into its row (parsed from there, on a connection of its own), or
                    // one the parse ahead did not reach.
                    if (mail.Raw.Length == 0 && mail.SizeBytes > 0)
                    {
                        fromRow = await OpenRawOnItsOwnConnectionAsync(mail.Id, cancellationToken);
                        var open = fromRow;
                        parsed = await parser.ParseAsync(() => open, decodeFiles: false, urgent: true, Label(mail)).WaitAsync(cancellationToken);
                    }
                    else
                    {
                        parsed = await parser.ParseAsync(mail.Raw, decodeFiles: true, urgent: true, Label(mail)).WaitAsync(cancellationToken);
                    }
                }

                journey.AddEvent(new ActivityEvent("parsed", tags: new ActivityTagsCollection { ["clp.parse.duration"] = parsed!.Elapsed.TotalSeconds }));
                using (TelemetryHosting.MailSource.StartActivity("thread"))
                {
                    await ThreadParsedAsync(mail, parsed!, channelOverride, cancellationToken);
                }

                await outcome.ExecuteAsync(mail);
                if (db.ChangeTracker.HasChanges())
                {
                    // What the threading added beside the post: a rejection mail, an address's health, a reply token.
                    await db.SaveChangesAsync(cancellationToken);
                }

                faults.At(InboundStep.Posted, mail.Uid);
                await savepoint.ReleaseAsync(cancellationToken);
                done.Add(mail.Status);
                finished.Add((journey, mail));
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
                journey?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                journey?.Stop();
            }
            finally
            {
                mailScope?.Dispose();
                Activity.Current = outer;
                db.ChangeTracker.Clear();
                if (fromRow is not null)
                {
                    await fromRow.DisposeAsync();
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        lookups.Keep();
        var committedAt = timeProvider.GetUtcNow().UtcDateTime;
        foreach (var (journey, mail) in finished)
        {
            metrics.Threaded(mail.Status, mail.Kind, mail.Reason, InboundJourneys.ArrivedAtUtc(mail), committedAt);
            journey.SetTag("clp.inbound.outcome", MetricLabels.Outcome(mail.Status));
            journey.SetTag("clp.inbound.kind", MetricLabels.Kind(mail.Kind));
            if (mail.Status == InboundStatus.Rejected)
            {
                journey.SetTag("clp.quarantine.reason", MetricLabels.Reason(mail.Reason));
            }

            journey.AddEvent(new ActivityEvent(MetricLabels.Outcome(mail.Status)));
            journey.Stop();
        }

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

    /// <summary>Threads a parsed mail, or quarantines one the parse could not read (over a limit, or not MIME); an
    /// error of the parse that says nothing about the mail is thrown, to be retried like any failure.</summary>
    private async Task ThreadParsedAsync(InboundMail mail, ParseOutcome parsed, int? channelOverride, CancellationToken cancellationToken)
    {
        if (parsed.Parsed is { } reply)
        {
            await threader.ThreadAsync(mail, reply, channelOverride, cancellationToken);
            return;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (parsed is { Limit: { } contested, Contested: true })
        {
            // Not a verdict on this mail: it is tried again on its own (the attempt counts).
            throw new ParseLimitExceededException($"its parse {contested} without using its CPU time (held up); tried again on its own");
        }

        if (parsed.Limit is { } limit)
        {
            var detail = $"The mail could not be read within the gateway's limits: its parse {limit} "
                + $"(stopped after {parsed.Elapsed.TotalSeconds:0.0} s, {parsed.AllocatedBytes / (1024 * 1024)} MB allocated). Not retried by itself.";
            Quarantine(mail, now, RejectReasons.ParseLimit, detail);
            logger.LogWarning("Inbound mail {InboundId} uid {Uid} {MessageId} quarantined: its parse {Limit}", mail.Id, mail.Uid, mail.MessageId, limit);
            return;
        }

        if (parsed.Error is FormatException format)
        {
            Quarantine(mail, now, RejectReasons.Unparseable, "The mail could not be read as MIME: " + format.Message);
            return;
        }

        ExceptionDispatchInfo.Throw(parsed.Error ?? new InvalidOperationException("The parse gave neither a mail nor an error."));
    }

    private static void Quarantine(InboundMail mail, DateTime now, string reason, string detail)
    {
        mail.Status = InboundStatus.Rejected;
        mail.Reason = reason;
        mail.ReasonDetail = detail;
        mail.ProcessedAtUtc = now;
        InboundTrace.Add(mail, now, "rejected", $"{reason}: {detail}");
    }

    private async Task RecordFailureAsync(long id, InboundMail? mail, Exception ex)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        // As committed before this attempt was threaded (the savepoint is rolled back), this attempt already counted. Still
        // claimed by this transaction, so still pending; counted only then.
        var row = await LoadWithoutRawAsync(id, CancellationToken.None);
        if (row.Status != InboundStatus.Pending)
        {
            return;
        }

        db.InboundMails.Attach(row);
        var attempts = row.Attempts;
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
        if (row.Status == InboundStatus.Rejected)
        {
            metrics.Threaded(row.Status, row.Kind, row.Reason, row.ReceivedAtUtc, now);
        }

        logger.LogError(
            "Inbound mail {InboundId} uid {Uid} {MessageId} failed to process: {Cause}; {Next}",
            id, row.Uid, row.MessageId, FailureLog.Describe(ex),
            row.Status == InboundStatus.Rejected ? $"quarantined after {attempts} attempts" : $"attempt {attempts} of {options.Value.MaxProcessingAttempts}, tried again at the next poll");
        logger.LogDebug(ex, "Inbound mail {InboundId} failed to process", id);
    }
}

/// <summary>Mails parsed and classified ahead of their transaction, from their fetched bytes before they were stored
/// (<see cref="InboundProcessor.ParseEarly"/>) or from the stored rows a group ahead, by the identity of the byte array
/// the stored row keeps.</summary>
public sealed record ParsedAhead(IReadOnlyDictionary<byte[], ParseOutcome> Parsed)
{
    /// <summary>The mail of these bytes as parsed ahead, or null: then it is parsed while it is threaded.</summary>
    public ParseOutcome? Of(byte[] raw) => Parsed.GetValueOrDefault(raw);
}

/// <summary>A stream that closes the database connection it reads from when it is disposed.</summary>
internal sealed class ConnectionStream(Stream inner, IAsyncDisposable connection) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
