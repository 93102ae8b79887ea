using System.Diagnostics;
using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using ClpMailGateway.Domain;
using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Sends the outbox (notifications, digests, rejections, the web's sign-in mails): every mail due, over up to
/// <see cref="SmtpOptions.Connections"/> pooled connections at once, with retry, exponential backoff and jitter for
/// connection errors and 4xx replies; a 5xx refusal marks the mail Failed at once and, for mails to our users about
/// messages, suppresses the address (<see cref="AddressHealth"/>).
/// <para>
/// At most one mail per connection sent twice: a connection sends its next mail only once the outcome of its last one
/// is committed. Outcomes are recorded by one writer task that commits whatever outcomes have arrived in one transaction
/// (the connections that wait meanwhile share the next commit), so a crash (process killed, power lost) after the
/// server accepted a mail and before that commit leaves at most that one mail of each connection Pending, to be sent
/// again after restart. SMTP itself has the same window (RFC 1047): a connection lost after the server took the final
/// dot but before we read its 250 is indistinguishable from a refusal and is retried. Nothing is ever lost: a row
/// leaves Pending only by being recorded Sent or Failed.
/// </para>
/// <para>
/// Several processes share the outbox: each sends only mails it claimed (<see cref="IOutboxClaims"/>, a lease of
/// <see cref="DatabaseOptions.ClaimLease"/> renewed while it sends) and records an outcome only while it still holds the
/// claim. A process that dies leaves its claims to the others when the lease runs out; what it had sent and not yet
/// recorded (at most one mail per connection) is then sent again.
/// </para>
/// </summary>
public sealed class OutboxSender(
    GatewayDbContext db,
    SmtpConnectionPool pool,
    IOptions<SmtpOptions> options,
    IOptions<DatabaseOptions> databaseOptions,
    TimeProvider timeProvider,
    FailureLog failures,
    OutboundMetrics metrics,
    ILogger<OutboxSender> logger)
{
    private const int BatchSize = 500;

    private static int _senders;

    /// <summary>Who holds this sender's claims: the process and the sender within it, so that two runs in one process (the
    /// scheduled one and one woken by a queued mail) never renew or record each other's claims.</summary>
    private string Owner { get; } = GatewayProcess.Id + ":" + Interlocked.Increment(ref _senders).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <returns>How many mails the server accepted in this run.</returns>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var ids = await db.Dialect.Outbox.ClaimDueAsync(db, Owner, now, now + databaseOptions.Value.ClaimLease, BatchSize, cancellationToken);
            HeldUntil = now + databaseOptions.Value.ClaimLease;
            // Not tracked: the writer records each outcome with its own prepared single-row UPDATE (RowUpdate of the outcome columns).
            var due = ids.Count == 0 ? [] : await db.OutboundMails.AsNoTracking()
                .Where(m => ids.Contains(m.Id))
                .OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            var sent = await SendBatchAsync(due, cancellationToken);
            total += sent;
            if (sent == 0)
            {
                // Nothing went through (the server is down or refusing): leave the rest to the next run.
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return total;
    }

    private long _heldUntilTicks;

    /// <summary>Until when this run's claims hold for sure (the claim's or the last renewal's lease).</summary>
    private DateTime HeldUntil
    {
        get => new(Volatile.Read(ref _heldUntilTicks), DateTimeKind.Utc);
        set => Volatile.Write(ref _heldUntilTicks, value.Ticks);
    }

    /// <summary>Whether a mail may still be sent under this run's claim: not in the last third of the lease, so that a
    /// process stalled past its renewals stops sending before another may claim the same mails (then it leaves them).</summary>
    private bool ClaimHolds() => timeProvider.GetUtcNow().UtcDateTime < HeldUntil - (databaseOptions.Value.ClaimLease / 3);

    private async Task<int> SendBatchAsync(List<OutboundMail> due, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<OutboundMail>(due);
        // Unbounded, but never holding more than one outcome per connection: each worker waits for its outcome's commit.
        var results = System.Threading.Channels.Channel.CreateUnbounded<SendOutcome>(new UnboundedChannelOptions { SingleReader = true });
        await using var files = new AttachedFiles(db.Dialect.Blobs.OpenReader(db.Database.GetConnectionString()!));
        // The lease runs from here, not from the claim: loading the batch (and a cold start) may take a good part of it.
        var renewedAt = timeProvider.GetUtcNow().UtcDateTime;
        await db.Dialect.Outbox.RenewAsync(db, Owner, renewedAt + databaseOptions.Value.ClaimLease, cancellationToken);
        HeldUntil = renewedAt + databaseOptions.Value.ClaimLease;
        var writer = WriteResultsAsync(results.Reader, () => results.Writer.TryComplete());
        // A thread of its own per connection, each blocking on its socket (ISmtpTransport): awaiting every reply through the
        // socket engine and the thread pool costs several times the CPU per mail on a small machine.
        var workers = Enumerable.Range(0, Math.Min(options.Value.Connections, due.Count))
            .Select(_ => Task.Factory.StartNew(() => Work(queue, files, results.Writer, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            results.Writer.TryComplete();
            await writer;
        }

        return due.Count(m => m.Status == OutboundStatus.Sent);
    }

    /// <summary>One connection's loop: takes mails off the shared queue until it is empty, the run is cancelled, or the
    /// connection cannot be (re)opened (then the rest stay Pending for the next run).</summary>
    private void Work(ConcurrentQueue<OutboundMail> queue, AttachedFiles files, ChannelWriter<SendOutcome> results, CancellationToken cancellationToken)
    {
        PooledSmtpConnection? connection = null;
        var wire = new ArrayBufferWriter<byte>(16 * 1024);
        using var recorded = new OutcomeGate();
        try
        {
            while (!cancellationToken.IsCancellationRequested && ClaimHolds() && queue.TryDequeue(out var mail))
            {
                // The mail's sending: a span of the trace that queued it (a notification's fan-out), its logs naming it.
                using var send = TelemetryHosting.MailSource.StartActivity("mail send", ActivityKind.Client, mail.TraceParent);
                send?.SetTag("clp.outbound.id", mail.Id);
                send?.SetTag("clp.outbound.purpose", MetricLabels.Purpose(mail.Purpose));
                using var mailScope = logger.BeginScope(new[] { new KeyValuePair<string, object?>("OutboundId", mail.Id) });
                try
                {
                    connection ??= pool.Rent(cancellationToken);
                    var session = connection.Session;
                    var eightBitMime = session.Offer.EightBitMime;
                    wire.ResetWrittenCount();
                    // The long way writes the mail into a stream of its own, sent from there: a mail with files is not copied
                    // again into the worker's buffer, which would then keep the size of the largest mail for the whole run.
                    using var longWay = StoredMail.TryRender(mail.Raw, OutboundPurposes.DeclaresEightBit(mail.Purpose) && eightBitMime, wire)
                        ? null
                        : WriteLongWay(mail.Raw, files, eightBitMime, cancellationToken);
                    var content = longWay is null ? wire.WrittenMemory : longWay.GetBuffer().AsMemory(0, (int)longWay.Length);
                    var started = timeProvider.GetTimestamp();
                    var reply = session.Send(new SmtpEnvelope(mail.EnvelopeFrom, mail.ToAddress), content, cancellationToken);
                    send?.SetTag("clp.smtp.reply_code", reply.Code);
                    if (!reply.IsPositive)
                    {
                        send?.SetStatus(ActivityStatusCode.Error, reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    Record(results, recorded, new SendOutcome(mail, Classify(reply), Now(), reply.IsPositive ? null : reply.ToString(), recorded)
                    {
                        ReplyCode = reply.Code,
                        Duration = timeProvider.GetElapsedTime(started),
                    });
                    if (!session.IsOpen)
                    {
                        // 421: the server is closing; the rest wait for the next run.
                        pool.Return(connection, reusable: false);
                        connection = null;
                        return;
                    }
                }
                catch (InvalidDataException ex)
                {
                    // A file it refers to cannot be read: nothing was sent; retried later, then given up.
                    Record(results, recorded, new SendOutcome(mail, SendResult.Transient, Now(), ex.Message, recorded));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested
                    && ex is IOException or System.Net.Sockets.SocketException or TimeoutException or System.Security.Authentication.AuthenticationException or MailKit.Security.AuthenticationException or ObjectDisposedException)
                {
                    // The connection failed (or could not be opened, or a server broke the protocol): this mail is retried,
                    // the rest stay for the next run. IOException includes SmtpSessionException.
                    Record(results, recorded, new SendOutcome(mail, SendResult.Transient, Now(), $"{ex.GetType().Name}: {ex.Message}", recorded));
                    if (connection is not null)
                    {
                        pool.Return(connection, reusable: false);
                        connection = null;
                    }

                    return;
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopping (cancelling closes the socket, so any exception can end the send): the mail stays Pending. Had the server already accepted it, it is sent again (see above).
                    return;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                pool.Return(connection, reusable: !cancellationToken.IsCancellationRequested);
            }
        }
    }

    /// <summary>Hands the outcome to the writer and waits until it is committed, so that the connection's next mail goes
    /// out only then. Throws when the writer could not record it (the database failed): the worker stops, its mails stay
    /// Pending.</summary>
    private static void Record(ChannelWriter<SendOutcome> results, OutcomeGate recorded, SendOutcome outcome)
    {
        recorded.Reset();
        if (!results.TryWrite(outcome))
        {
            throw new InvalidOperationException("the outcome writer has stopped");
        }

        recorded.Wait();
    }

    /// <summary>The long way's wire bytes (this thread blocks on reading the files the mail refers to, if any).</summary>
    private static MemoryStream WriteLongWay(byte[] raw, AttachedFiles files, bool eightBitMime, CancellationToken cancellationToken)
    {
        using var message = ParseAsync(raw, files, eightBitMime, cancellationToken).GetAwaiter().GetResult();
        var written = new MemoryStream();
        message.WriteTo(SmtpSession.WireFormat, written, cancellationToken);
        return written;
    }

    /// <summary>The long way, for a mail <see cref="StoredMail"/> cannot send as stored: parsed, its files filled in, and
    /// prepared for what the server offers (8-bit parts stay 8-bit only with 8BITMIME), as MailKit's client would.</summary>
    private static async Task<MimeMessage> ParseAsync(byte[] raw, AttachedFiles files, bool eightBitMime, CancellationToken cancellationToken)
    {
        // The rendered mail is in memory: the synchronous parser avoids an await per buffer refill, and a persistent
        // parse leaves the parts' content in the rendered bytes instead of copying it.
        var message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(raw, writable: false), persistent: true, cancellationToken);
        try
        {
            await files.FillAsync(message, cancellationToken);
            message.Prepare(eightBitMime ? EncodingConstraint.EightBit : EncodingConstraint.SevenBit);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>The single writer: applies outcomes as they arrive, commits each group in one transaction, then lets the
    /// group's connections go on. Never cancelled: what the server accepted must be recorded. When a commit fails, the
    /// group's connections and every later one are told, and stop.</summary>
    private async Task WriteResultsAsync(ChannelReader<SendOutcome> results, Action complete)
    {
        var settings = options.Value;
        var renewEvery = databaseOptions.Value.ClaimLease / 3;
        var group = new List<SendOutcome>();
        Exception? failure = null;
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            // The writer's durable commit per group was most of its CPU; see IOutboxClaims.RelaxCommitsAsync.
            await using var relaxed = await db.Dialect.Outbox.RelaxCommitsAsync(db, CancellationToken.None);
            // One prepared single-row UPDATE of the outcome columns, reused for every mail. Through EF change
            // tracking (a stub entity per mail, SaveChanges per group) the writer cost more CPU than sending the mail:
            // property lookups by expression, snapshots and batch preparation for every row.
            await using var update = PrepareOutcome(db);
            var renewed = timeProvider.GetUtcNow();
            while (await WaitRenewingAsync(results, () => renewed, r => renewed = r, renewEvery))
            {
                group.Clear();
                while (results.TryRead(out var outcome))
                {
                    group.Add(outcome);
                }

                if (failure is not null)
                {
                    Release(group, failure);
                    continue;
                }

                try
                {
                    await CommitAsync(group, update, settings);
                    Release(group, null);
                }
                catch (Exception ex)
                {
                    failure = ex;
                    Release(group, ex);
                    complete();
                }
            }

            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Waits for outcomes to write (false when there will be none), renewing this process's claims every
    /// <paramref name="renewEvery"/> meanwhile, and after a commit when one is due.</summary>
    private async Task<bool> WaitRenewingAsync(ChannelReader<SendOutcome> results, Func<DateTimeOffset> renewed, Action<DateTimeOffset> setRenewed, TimeSpan renewEvery)
    {
        var waiting = results.WaitToReadAsync(CancellationToken.None).AsTask();
        while (true)
        {
            var due = renewed() + renewEvery - timeProvider.GetUtcNow();
            if (due > TimeSpan.Zero && await Task.WhenAny(waiting, Task.Delay(due, timeProvider)) == waiting)
            {
                return await waiting;
            }

            if (timeProvider.GetUtcNow() >= renewed() + renewEvery)
            {
                var now = timeProvider.GetUtcNow();
                await db.Dialect.Outbox.RenewAsync(db, Owner, now.UtcDateTime + databaseOptions.Value.ClaimLease, CancellationToken.None);
                HeldUntil = now.UtcDateTime + databaseOptions.Value.ClaimLease;
                setRenewed(now);
            }
        }
    }

    private async Task CommitAsync(List<SendOutcome> group, RowUpdate<OutboundMail> update, SmtpOptions settings)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            update.Enlist(transaction.GetDbTransaction());
            foreach (var outcome in group)
            {
                await ApplyAsync(outcome, settings);
                if (!await update.TryExecuteAsync(outcome.Mail, Owner))
                {
                    // The claim ran out (this process stalled past its lease) and another process may have sent it too.
                    logger.LogWarning("Outbound mail {OutboundId} to {Address}: its claim was lost before its outcome ({Status}) was recorded", outcome.Mail.Id, outcome.Mail.ToAddress, outcome.Mail.Status);
                }
            }

            // Address health changes (a permanent refusal) go through EF, in the same transaction; most groups have
            // none, and an empty SaveChanges still costs EF's whole pipeline.
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
            foreach (var outcome in group)
            {
                var result = outcome.Mail.Status switch
                {
                    OutboundStatus.Sent => "sent",
                    OutboundStatus.Failed => "failed",
                    _ => "deferred",
                };
                metrics.Sent(result, outcome.ReplyCode, outcome.Mail.Purpose, outcome.Duration);
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static void Release(List<SendOutcome> group, Exception? failure)
    {
        foreach (var outcome in group)
        {
            outcome.Recorded?.Complete(failure);
        }
    }

    private async Task ApplyAsync(SendOutcome outcome, SmtpOptions settings)
    {
        var mail = outcome.Mail;
        mail.Attempts++;
        mail.ClaimedBy = null;
        mail.ClaimedUntilUtc = null;
        switch (outcome.Result)
        {
            case SendResult.Sent:
                mail.Status = OutboundStatus.Sent;
                mail.SentAtUtc = outcome.AtUtc;
                mail.LastError = null;
                failures.Succeeded(RelayOperation(settings));
                return;
            case SendResult.Permanent or SendResult.Undeliverable:
                mail.Status = OutboundStatus.Failed;
                mail.LastError = Truncate(outcome.Error);
                logger.LogError("Outbound mail {OutboundId} ({Purpose}) to {Address} refused permanently: {Error}", mail.Id, mail.Purpose, mail.ToAddress, mail.LastError);
                if (outcome.Result == SendResult.Permanent && OutboundPurposes.SuppressesOnPermanentFailure(mail.Purpose))
                {
                    await SuppressAsync(mail.ToAddress, mail.LastError, outcome.AtUtc);
                }

                return;
            default:
                mail.LastError = Truncate(outcome.Error);
                if (mail.Attempts >= settings.MaxAttempts)
                {
                    mail.Status = OutboundStatus.Failed;
                    logger.LogError("Outbound mail {OutboundId} to {Address} given up after {Attempts} attempts: {Error}", mail.Id, mail.ToAddress, mail.Attempts, mail.LastError);
                    return;
                }

                var delay = settings.RetryBaseDelay * Math.Pow(2, mail.Attempts - 1);
                if (delay > settings.RetryMaxDelay)
                {
                    delay = settings.RetryMaxDelay;
                }

                mail.NextAttemptAtUtc = outcome.AtUtc + delay + (delay * (Random.Shared.NextDouble() * 0.3));
                // One line for the relay's failure and a summary while it goes on, not a line per waiting mail.
                failures.Failed(RelayOperation(settings), mail.LastError ?? "unknown error", mail.NextAttemptAtUtc);
                logger.LogDebug("Outbound mail {OutboundId} to {Address} failed temporarily (attempt {Attempt}), next at {NextAttempt}: {Error}", mail.Id, mail.ToAddress, mail.Attempts, mail.NextAttemptAtUtc, mail.LastError);
                return;
        }
    }

    private static string RelayOperation(SmtpOptions settings) => $"Sending mail through {settings.Host}:{settings.Port}";

    private async Task SuppressAsync(string address, string? detail, DateTime nowUtc)
    {
        var normalized = EmailAddress.Normalize(address);
        await db.Dialect.Queries.EnsureAddressHealthAsync(db, normalized, CancellationToken.None);
        var health = (await db.AddressHealth.FindAsync([normalized], CancellationToken.None))!;

        health.RecordPermanent(nowUtc, detail);
    }

    /// <summary>What a reply means for the mail. 4xx: later. A 5xx is the recipient's when it answers RCPT TO or says
    /// 5.1.x (RFC 3463: addressing), the mail's otherwise (too large, content refused). 530 at MAIL FROM (authentication
    /// or TLS required) is this gateway's configuration, not the mail: retried, so fixing Smtp: lets them all go.</summary>
    internal static SendResult Classify(SmtpReply reply) =>
        reply.IsPositive ? SendResult.Sent
        : !reply.IsPermanent ? SendResult.Transient
        : reply.Command == SmtpReply.MailFrom && reply.Code == 530 ? SendResult.Transient
        : reply.Command == SmtpReply.RcptTo || reply.Text.StartsWith("5.1.", StringComparison.Ordinal) ? SendResult.Permanent
        : SendResult.Undeliverable;

    private DateTime Now() => timeProvider.GetUtcNow().UtcDateTime;

    private static string? Truncate(string? error) => error is { Length: > 1000 } ? error[..1000] : error;

    /// <summary>The writer's statement: the outcome columns of one outbound mail, its claim released, written only while
    /// this process holds the claim.</summary>
    internal static RowUpdate<OutboundMail> PrepareOutcome(GatewayDbContext db) => RowUpdate<OutboundMail>.PrepareGuarded(
        db,
        nameof(OutboundMail.Id),
        nameof(OutboundMail.ClaimedBy),
        nameof(OutboundMail.ClaimedBy),
        nameof(OutboundMail.ClaimedUntilUtc),
        nameof(OutboundMail.Status),
        nameof(OutboundMail.Attempts),
        nameof(OutboundMail.SentAtUtc),
        nameof(OutboundMail.LastError),
        nameof(OutboundMail.NextAttemptAtUtc));
}
