using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// At most <see cref="SmtpOptions.Connections"/> open SMTP connections, kept open and reused across outbox runs (a
/// connection, EHLO and AUTH cost more than a message). Renting waits for a free slot; a connection idle longer than
/// <see cref="SmtpOptions.IdleCheckAfter"/> is checked with NOOP first, since servers drop idle clients. A singleton.
/// Renting blocks (the outbox's workers are threads of their own doing blocking I/O, see <see cref="ISmtpTransport"/>).
/// </summary>
public sealed class SmtpConnectionPool(IOptions<SmtpOptions> options, SmtpTransportFactory transports, TimeProvider timeProvider, ILogger<SmtpConnectionPool> logger)
    : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentBag<PooledSmtpConnection> _idle = [];
    private readonly SemaphoreSlim _slots = new(options.Value.Connections, options.Value.Connections);

    internal PooledSmtpConnection Rent(CancellationToken cancellationToken)
    {
        _slots.Wait(cancellationToken);
        try
        {
            while (_idle.TryTake(out var connection))
            {
                if (IsUsable(connection))
                {
                    return connection;
                }

                connection.Dispose();
            }

            var settings = options.Value;
            var fresh = new PooledSmtpConnection(transports.Connect(settings, cancellationToken));
            logger.LogDebug("Opened SMTP connection to {Host}:{Port} ({Client})", settings.Host, settings.Port, settings.Client);
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

    /// <summary>QUIT on every idle connection, then closed.</summary>
    public ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Session.Quit();
        }

        _slots.Dispose();
        return ValueTask.CompletedTask;
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

    private bool IsUsable(PooledSmtpConnection connection)
    {
        if (!connection.Session.IsOpen)
        {
            return false;
        }

        return timeProvider.GetUtcNow().UtcDateTime - connection.LastUsedUtc < options.Value.IdleCheckAfter
            || connection.Session.NoOp();
    }
}
