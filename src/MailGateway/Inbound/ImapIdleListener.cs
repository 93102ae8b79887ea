using ClpMailGateway.MailAuth;
using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>
/// Keeps an IMAP IDLE open on the gateway mailbox and asks for a poll as soon as mail arrives, so a reply lands within
/// seconds; the scheduled poll stays as the safety net. Re-issues IDLE before the server's 29-minute limit and
/// reconnects with exponential backoff (with jitter) when the connection fails. One process on the database listens at a
/// time (<see cref="IMailboxLocks"/>); the others wait on the lock, and one of them takes over, with a catch-up poll, the
/// moment the listener's process stops or dies.
/// </summary>
public sealed class ImapIdleListener(
    IOptions<ImapOptions> options, MailLogins logins, IPollTrigger trigger, IMailboxLocks locks, FailureLog failures, PollStatus status, TimeProvider timeProvider,
    ILogger<ImapIdleListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = settings.ReconnectMinDelay;
        var operation = $"IMAP IDLE on {settings.Host}:{settings.Port}";
        var key = $"idle:{settings.Username}/{settings.Mailbox}";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var held = await locks.TryAcquireAsync(key, stoppingToken);
                    if (held is null)
                    {
                        status.IdleDisconnected("another gateway process on the database holds the IDLE connection");
                        held = await locks.AcquireAsync(key, stoppingToken);
                    }

                    await using var listening = held;

                    await ListenAsync(
                        settings,
                        () =>
                        {
                            delay = settings.ReconnectMinDelay;
                            failures.Succeeded(operation);
                            status.IdleConnected();
                        },
                        stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                // A database error (the lock's connection lost) is retried like a mail server's.
                catch (Exception ex) when (ex is IOException or ImapProtocolException or ImapCommandException or System.Net.Sockets.SocketException
                    or AuthenticationException or SslHandshakeException or TimeoutException or ServiceNotConnectedException or System.Data.Common.DbException)
                {
                    var wait = delay + (delay * (Random.Shared.NextDouble() * 0.3));
                    status.IdleDisconnected(FailureLog.Describe(ex));
                    failures.Failed(operation, ex, timeProvider.GetUtcNow().UtcDateTime + wait);
                    await Task.Delay(wait, stoppingToken);
                    delay = delay * 2 > settings.ReconnectMaxDelay ? settings.ReconnectMaxDelay : delay * 2;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping ended a wait between tries.
        }
        catch (Exception ex)
        {
            status.IdleDisconnected("the IDLE listener stopped on an unexpected error: " + FailureLog.Describe(ex));
            throw;
        }

        status.IdleDisconnected("the gateway is stopping");
    }

    private async Task ListenAsync(ImapOptions settings, Action connected, CancellationToken stoppingToken)
    {
        using var client = await ImapConnector.ConnectAsync(settings, logins.Imap, stoppingToken);
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            logger.LogWarning("{Host} does not support IDLE; relying on the scheduled poll", settings.Host);
            status.IdleDisconnected($"{settings.Host} does not support IDLE");
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }

        var inbox = await ImapConnector.OpenMailboxAsync(client, settings.Mailbox, FolderAccess.ReadOnly, stoppingToken);
        connected();
        logger.LogInformation("IMAP IDLE listening on {Mailbox}", settings.Mailbox);

        // Catch up with anything that arrived while we were not listening.
        await trigger.TriggerAsync(stoppingToken);
        var arrived = 0;
        using var idleDone = new CancellationTokenSource();
        CancellationTokenSource? current = null;
        inbox.CountChanged += (_, _) =>
        {
            Interlocked.Exchange(ref arrived, 1);
            current?.Cancel();
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            using var done = new CancellationTokenSource(settings.IdleRefresh);
            current = done;
            await client.IdleAsync(done.Token, stoppingToken);
            current = null;
            if (Interlocked.Exchange(ref arrived, 0) == 1)
            {
                await trigger.TriggerAsync(stoppingToken);
            }
        }
    }
}
