using System.Threading.Channels;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using MailKit.Net.Smtp;
using Microsoft.Data.Sqlite;
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
/// Exactly once: outcomes are recorded by one writer task that commits whatever results have arrived in one
/// transaction (group commit), so an accepted mail is durably Sent a few milliseconds after the server's 250. The
/// residual window: a crash (process killed, power lost) after the server accepted a mail and before that commit
/// leaves the row Pending and the mail is sent again after restart; at most the mails in flight plus those waiting in
/// the writer's current group (what arrived within <see cref="SmtpOptions.OutcomeCommitWindow"/>). SMTP itself has the same window (RFC 1047): a
/// connection lost after the server took the final dot but before we read its 250 is indistinguishable from a refusal
/// and is retried. Nothing is ever lost: a row leaves Pending only by being recorded Sent or Failed.
/// </para>
/// </summary>
public sealed class OutboxSender(
    GatewayDbContext db,
    DbContextOptions<GatewayDbContext> dbOptions,
    SmtpConnectionPool pool,
    IOptions<SmtpOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxSender> logger)
{
    /// <summary>Mails read from the outbox at a time, and at most queued for the connections: at most twice this many
    /// are in memory.</summary>
    internal const int PageSize = 250;

    private static readonly MailboxAddress NullSender = new(string.Empty, string.Empty);

    /// <summary>Sends what is due until the outbox has nothing more due, the run is cancelled or no connection can be
    /// (re)opened. The connections never wait for each other: a feeder reads the outbox ahead, page by page, while they
    /// send (earlier runs read 500 mails, sent them all, committed, and only then read again: every connection idled
    /// at each such boundary while the slowest finished).</summary>
    /// <returns>How many mails the server accepted in this run.</returns>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var queue = System.Threading.Channels.Channel.CreateBounded<OutboundMail>(new BoundedChannelOptions(PageSize)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var results = System.Threading.Channels.Channel.CreateUnbounded<SendOutcome>(new UnboundedChannelOptions { SingleReader = true });
        await using var files = new AttachedFiles(db.Database.GetConnectionString()!);
        using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteResultsAsync(results.Reader);
        var feeder = FeedAsync(queue.Writer, stopFeeding.Token);
        var workers = Enumerable.Range(0, options.Value.Connections)
            .Select(_ => Task.Run(() => WorkAsync(queue.Reader, files, results.Writer, cancellationToken), CancellationToken.None))
            .ToList();
        int accepted;
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            // Every connection has stopped: the outbox is drained, the run cancelled, or the server is gone (then what
            // is still queued stays Pending for the next run).
            await stopFeeding.CancelAsync();
            try
            {
                await feeder;
            }
            catch (OperationCanceledException) when (stopFeeding.IsCancellationRequested)
            {
            }
            finally
            {
                results.Writer.TryComplete();
                accepted = await writer;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return accepted;
    }

    /// <summary>Reads the mails due, page by page in (due time, id) order, onto the connections' queue, waiting while
    /// it is full, until a page comes back empty. On a connection of its own (a second context): the outcome writer
    /// commits on the sender's meanwhile. Each page starts after the last mail read (keyset), since the mails in
    /// flight are still Pending; a mail that falls due meanwhile with an earlier due time than that waits for the next
    /// run (the sweep every <see cref="SmtpOptions.OutboxInterval"/>, or the wake-up of a new notification).</summary>
    private async Task FeedAsync(ChannelWriter<OutboundMail> queue, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = new GatewayDbContext(dbOptions);
            var (lastDue, lastId) = (DateTime.MinValue, 0L);
            while (true)
            {
                var now = timeProvider.GetUtcNow().UtcDateTime;
                // Not tracked: the writer records each outcome with its own prepared single-row UPDATE (RowUpdate of the outcome columns).
                var page = await reader.OutboundMails.AsNoTracking()
                    .Where(m => m.Status == OutboundStatus.Pending && m.NextAttemptAtUtc <= now
                        && (m.NextAttemptAtUtc > lastDue || (m.NextAttemptAtUtc == lastDue && m.Id > lastId)))
                    .OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id)
                    .Take(PageSize)
                    .ToListAsync(cancellationToken);
                if (page.Count == 0)
                {
                    return;
                }

                foreach (var mail in page)
                {
                    await queue.WriteAsync(mail, cancellationToken);
                }

                (lastDue, lastId) = (page[^1].NextAttemptAtUtc, page[^1].Id);
            }
        }
        finally
        {
            queue.TryComplete();
        }
    }

    /// <summary>One connection's loop: takes mails off the shared queue until it is empty, the run is cancelled, or the
    /// connection cannot be (re)opened (then the rest stay Pending for the next run).</summary>
    private async Task WorkAsync(ChannelReader<OutboundMail> queue, AttachedFiles files, ChannelWriter<SendOutcome> results, CancellationToken cancellationToken)
    {
        PooledSmtpConnection? connection = null;
        try
        {
            while (await WaitForMailAsync(queue, cancellationToken))
            {
                // Another connection may have taken the mail that woke this one: then wait again.
                while (!cancellationToken.IsCancellationRequested && queue.TryRead(out var mail))
                {
                    try
                    {
                        connection ??= await pool.RentAsync(cancellationToken);
                        using var message = StoredMail.TryWrap(mail.Raw, OutboundPurposes.DeclaresEightBit(mail.Purpose) && (connection.Client.Capabilities & SmtpCapabilities.EightBitMime) != 0)
                            ?? await ParseAsync(mail.Raw, files, cancellationToken);
                        var sender = mail.EnvelopeFrom.Length == 0 ? NullSender : MailboxAddress.Parse(mail.EnvelopeFrom);
                        await connection.Client.SendAsync(message, sender, [MailboxAddress.Parse(mail.ToAddress)], cancellationToken);
                        results.TryWrite(new SendOutcome(mail, SendResult.Sent, Now(), null));
                    }
                    catch (InvalidDataException ex)
                    {
                        // A file it refers to cannot be read: nothing was sent; retried later, then given up.
                        results.TryWrite(new SendOutcome(mail, SendResult.Transient, Now(), ex.Message));
                    }
                    catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
                    {
                        results.TryWrite(new SendOutcome(mail, SendResult.Permanent, Now(), $"{(int)ex.StatusCode} {ex.Message}"));
                    }
                    catch (SmtpCommandException ex)
                    {
                        results.TryWrite(new SendOutcome(mail, SendResult.Transient, Now(), $"{(int)ex.StatusCode} {ex.Message}"));
                    }
                    catch (Exception ex) when (ex is SmtpProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException
                        or MailKit.ServiceNotConnectedException or MailKit.Security.AuthenticationException)
                    {
                        results.TryWrite(new SendOutcome(mail, SendResult.Transient, Now(), $"{ex.GetType().Name}: {ex.Message}"));
                        if (connection is not null)
                        {
                            pool.Return(connection, reusable: false);
                            connection = null;
                        }

                        return;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // Stopping: the mail stays Pending. Had the server already accepted it, it is sent again (see above).
                        return;
                    }
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

    /// <summary>False once the queue is completed and empty, or the run is cancelled.</summary>
    private static async Task<bool> WaitForMailAsync(ChannelReader<OutboundMail> queue, CancellationToken cancellationToken)
    {
        try
        {
            return await queue.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The long way, for a mail <see cref="StoredMail"/> cannot send as stored: parsed, its files filled in; MailKit
    /// then prepares it for what the server offers.</summary>
    private static async Task<MimeMessage> ParseAsync(byte[] raw, AttachedFiles files, CancellationToken cancellationToken)
    {
        // The rendered mail is in memory: the synchronous parser avoids an await per buffer refill, and a persistent
        // parse leaves the parts' content in the rendered bytes instead of copying it.
        var message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(raw, writable: false), persistent: true, cancellationToken);
        try
        {
            await files.FillAsync(message, cancellationToken);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>The single writer: applies outcomes as they arrive and commits each group in one transaction. Never
    /// cancelled: what the server accepted must be recorded.</summary>
    /// <returns>How many mails were recorded Sent.</returns>
    private async Task<int> WriteResultsAsync(ChannelReader<SendOutcome> results)
    {
        var settings = options.Value;
        var sent = 0;
        var group = new List<SendOutcome>();
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            // One prepared single-row UPDATE of the five outcome columns, reused for every mail. Through EF change
            // tracking (a stub entity per mail, SaveChanges per group) the writer cost more CPU than sending the mail:
            // property lookups by expression, snapshots and batch preparation for every row.
            await using var update = PrepareOutcome(db);
            while (await results.WaitToReadAsync(CancellationToken.None))
            {
                if (settings.OutcomeCommitWindow > TimeSpan.Zero)
                {
                    // Group commit: the other connections' outcomes of the next moment join this one's commit.
                    await Task.Delay(settings.OutcomeCommitWindow, CancellationToken.None);
                }

                group.Clear();
                while (results.TryRead(out var outcome))
                {
                    group.Add(outcome);
                }

                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                update.Enlist((SqliteTransaction)transaction.GetDbTransaction());
                foreach (var outcome in group)
                {
                    await ApplyAsync(outcome, settings);
                    await update.ExecuteAsync(outcome.Mail);
                    sent += outcome.Result == SendResult.Sent ? 1 : 0;
                }

                // Address health changes (a permanent refusal) go through EF, in the same transaction; most groups have
                // none, and an empty SaveChanges still costs EF's whole pipeline.
                if (db.ChangeTracker.HasChanges())
                {
                    await db.SaveChangesAsync(CancellationToken.None);
                }

                await transaction.CommitAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return sent;
    }

    private async Task ApplyAsync(SendOutcome outcome, SmtpOptions settings)
    {
        var mail = outcome.Mail;
        mail.Attempts++;
        switch (outcome.Result)
        {
            case SendResult.Sent:
                mail.Status = OutboundStatus.Sent;
                mail.SentAtUtc = outcome.AtUtc;
                mail.LastError = null;
                return;
            case SendResult.Permanent:
                mail.Status = OutboundStatus.Failed;
                mail.LastError = Truncate(outcome.Error);
                logger.LogError("Outbound mail {OutboundId} ({Purpose}) to {Address} refused permanently: {Error}", mail.Id, mail.Purpose, mail.ToAddress, mail.LastError);
                if (OutboundPurposes.SuppressesOnPermanentFailure(mail.Purpose))
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
                logger.LogWarning("Outbound mail {OutboundId} to {Address} failed temporarily (attempt {Attempt}), next at {NextAttempt}: {Error}", mail.Id, mail.ToAddress, mail.Attempts, mail.NextAttemptAtUtc, mail.LastError);
                return;
        }
    }

    private async Task SuppressAsync(string address, string? detail, DateTime nowUtc)
    {
        var normalized = EmailAddress.Normalize(address);
        var health = await db.AddressHealth.FindAsync([normalized], CancellationToken.None);
        if (health is null)
        {
            health = new AddressHealth { Address = normalized };
            db.AddressHealth.Add(health);
        }

        health.RecordPermanent(nowUtc, detail);
    }

    private DateTime Now() => timeProvider.GetUtcNow().UtcDateTime;

    private static string? Truncate(string? error) => error is { Length: > 1000 } ? error[..1000] : error;

    /// <summary>The writer's statement: the five outcome columns of one outbound mail.</summary>
    internal static RowUpdate<OutboundMail> PrepareOutcome(GatewayDbContext db) => RowUpdate<OutboundMail>.Prepare(
        db,
        nameof(OutboundMail.Id),
        nameof(OutboundMail.Status),
        nameof(OutboundMail.Attempts),
        nameof(OutboundMail.SentAtUtc),
        nameof(OutboundMail.LastError),
        nameof(OutboundMail.NextAttemptAtUtc));
}
