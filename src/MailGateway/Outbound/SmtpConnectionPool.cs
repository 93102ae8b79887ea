using System.Collections.Concurrent;
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
            var fresh = new PooledSmtpConnection(await SmtpSession.ConnectAsync(settings, log: null, cancellationToken));
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
        if (reusable && connection.Session.IsOpen)
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
            // QUIT, then closed.
            await connection.Session.DisposeAsync();
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
        if (!connection.Session.IsOpen)
        {
            return false;
        }

        return timeProvider.GetUtcNow().UtcDateTime - connection.LastUsedUtc < options.Value.IdleCheckAfter
            || await connection.Session.NoOpAsync(cancellationToken);
    }
}
