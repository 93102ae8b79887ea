using Microsoft.Extensions.Logging;
using Npgsql;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// Mailbox locks as session-level advisory locks, each on a connection of its own held while the lock is: the server
/// releases it when the connection ends, so a process that dies (even SIGKILLed) frees its mailboxes at once.
/// </summary>
public sealed class PostgresMailboxLocks(GatewayConnectionString database, ILogger<PostgresMailboxLocks> logger) : IMailboxLocks
{
    /// <summary>The lock connection's application name, with the process id: an operator (or a test) sees in
    /// <c>pg_stat_activity</c> which process holds a mailbox.</summary>
    public static string LockHolderName { get; } = "clp-mailbox-lock " + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken) =>
        LockAsync(key, "SELECT pg_try_advisory_lock(@key)", cancellationToken);

    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken) =>
        (await LockAsync(key, "SELECT true FROM pg_advisory_lock(@key)", cancellationToken))!;

    /// <summary>Runs <paramref name="sql"/> (true when the lock is taken) on a connection of its own, kept while the lock
    /// is held.</summary>
    private async Task<IAsyncDisposable?> LockAsync(string key, string sql, CancellationToken cancellationToken)
    {
        // Not pooled: a pooled connection returned while still holding the lock would keep it for whoever uses it next.
        // TCP keepalives: a wait can last for days, and a server that vanished must not leave the waiter waiting forever.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Value)
        {
            Pooling = false,
            ApplicationName = LockHolderName,
            TcpKeepAlive = true,
            TcpKeepAliveTime = 30,
            TcpKeepAliveInterval = 10,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("key", PostgresDialect.LockKey("mailbox:" + key));
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return new Held(connection, key, logger);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    private sealed class Held(NpgsqlConnection connection, string key, ILogger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", PostgresDialect.LockKey("mailbox:" + key));
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The connection is gone: so is the lock.
                logger.LogDebug("Mailbox lock {Key}: the connection ended before the unlock ({Error})", key, ex.Message);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
