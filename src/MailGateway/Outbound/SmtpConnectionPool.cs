using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// At most <see cref="SmtpOptions.Connections"/> open SMTP connections, kept open and reused across outbox runs (a
/// connection, EHLO and AUTH cost more than a message). Renting waits for a free slot; a connection idle longer than
/// <see cref="SmtpOptions.IdleCheckAfter"/> is checked with NOOP first, since servers drop idle clients. A singleton.
/// </summary>
public sealed class SmtpConnectionPool(IOptions<SmtpOptions> options, TimeProvider timeProvider, ILogger<SmtpConnectionPool> logger)
    : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentBag<PooledSmtpConnection> _idle = [];
    private readonly SemaphoreSlim _slots = new(options.Value.Connections, options.Value.Connections);

    internal async Task<PooledSmtpConnection> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (_idle.TryTake(out var connection))
            {
                if (await IsUsableAsync(connection, cancellationToken))
                {
                    return connection;
                }

                connection.Dispose();
            }

            var settings = options.Value;
            var fresh = new PooledSmtpConnection(new GatewaySmtpClient(settings.Chunking) { Timeout = (int)settings.Timeout.TotalMilliseconds });
            try
            {
                await fresh.Client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
                if (settings.Username.Length > 0)
                {
                    await fresh.Client.AuthenticateAsync(settings.Username, settings.Password, cancellationToken);
                }
            }
            catch
            {
                fresh.Dispose();
                throw;
            }

            logger.LogDebug("Opened SMTP connection to {Host}:{Port}", settings.Host, settings.Port);
            return fresh;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives a connection back: kept for reuse when <paramref name="reusable"/> and still connected, else closed.</summary>
    internal void Return(PooledSmtpConnection connection, bool reusable)
    {
        if (reusable && connection.Client.IsConnected)
        {
            connection.LastUsedUtc = timeProvider.GetUtcNow().UtcDateTime;
            _idle.Add(connection);
        }
        else
        {
            connection.Dispose();
        }

        _slots.Release();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection))
        {
            try
            {
                if (connection.Client.IsConnected)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await connection.Client.DisconnectAsync(true, timeout.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // Closing anyway.
            }

            connection.Dispose();
        }

        _slots.Dispose();
    }

    /// <summary>Closes without QUIT (for containers disposed synchronously).</summary>
    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }

        _slots.Dispose();
    }

    private async Task<bool> IsUsableAsync(PooledSmtpConnection connection, CancellationToken cancellationToken)
    {
        if (!connection.Client.IsConnected)
        {
            return false;
        }

        if (timeProvider.GetUtcNow().UtcDateTime - connection.LastUsedUtc < options.Value.IdleCheckAfter)
        {
            return true;
        }

        try
        {
            await connection.Client.NoOpAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
