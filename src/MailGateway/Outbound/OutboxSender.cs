using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>Sends the outbox: every mail due, over one reused SMTP connection, with retry and exponential backoff with
/// jitter for connection errors and 4xx replies; a 5xx refusal marks the mail Failed at once.</summary>
public sealed class OutboxSender(GatewayDbContext db, IOptions<SmtpOptions> options, TimeProvider timeProvider, ILogger<OutboxSender> logger)
{
    private const int BatchSize = 200;

    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var due = await db.OutboundMails
            .Where(m => m.Status == OutboundStatus.Pending && m.NextAttemptAtUtc <= now)
            .OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var sent = 0;
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        foreach (var mail in due)
        {
            try
            {
                await EnsureConnectedAsync(client, settings, cancellationToken);
                var message = await MimeMessage.LoadAsync(new MemoryStream(mail.Raw), cancellationToken);
                var sender = mail.EnvelopeFrom.Length == 0 ? NullSender : MailboxAddress.Parse(mail.EnvelopeFrom);
                await client.SendAsync(message, sender, [MailboxAddress.Parse(mail.ToAddress)], cancellationToken);
                mail.Status = OutboundStatus.Sent;
                mail.SentAtUtc = timeProvider.GetUtcNow().UtcDateTime;
                mail.Attempts++;
                mail.LastError = null;
                sent++;
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
            {
                mail.Attempts++;
                mail.Status = OutboundStatus.Failed;
                mail.LastError = $"{(int)ex.StatusCode} {ex.Message}";
                logger.LogError("Outbound mail {OutboundId} to {Address} refused permanently: {Error}", mail.Id, mail.ToAddress, mail.LastError);
                await ResetAsync(client, cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                Retry(mail, settings, ex);
                logger.LogWarning("Outbound mail {OutboundId} to {Address} failed temporarily (attempt {Attempt}): {Error}", mail.Id, mail.ToAddress, mail.Attempts, ex.Message);
                if (!client.IsConnected || ex is not SmtpCommandException)
                {
                    // The connection is gone: leave the rest for the next run rather than failing each in turn.
                    foreach (var rest in due.SkipWhile(m => m != mail).Skip(1))
                    {
                        rest.NextAttemptAtUtc = mail.NextAttemptAtUtc;
                    }

                    await db.SaveChangesAsync(CancellationToken.None);
                    return sent;
                }
            }

            // Record each outcome at once: a crash after a send must not send it again.
            await db.SaveChangesAsync(CancellationToken.None);
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(true, cancellationToken);
        }

        return sent;
    }

    private static readonly MailboxAddress NullSender = new(string.Empty, string.Empty);

    private void Retry(OutboundMail mail, SmtpOptions settings, Exception ex)
    {
        mail.Attempts++;
        mail.LastError = ex.Message;
        if (mail.Attempts >= settings.MaxAttempts)
        {
            mail.Status = OutboundStatus.Failed;
            return;
        }

        var delay = settings.RetryBaseDelay * Math.Pow(2, mail.Attempts - 1);
        if (delay > settings.RetryMaxDelay)
        {
            delay = settings.RetryMaxDelay;
        }

        var jitter = delay * (Random.Shared.NextDouble() * 0.3);
        mail.NextAttemptAtUtc = timeProvider.GetUtcNow().UtcDateTime + delay + jitter;
    }

    private static async Task EnsureConnectedAsync(SmtpClient client, SmtpOptions settings, CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            return;
        }

        await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
        if (settings.Username.Length > 0)
        {
            await client.AuthenticateAsync(settings.Username, settings.Password, cancellationToken);
        }
    }

    private static async Task ResetAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            try
            {
                await client.NoOpAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException)
            {
                await client.DisconnectAsync(false, cancellationToken);
            }
        }
    }
}
