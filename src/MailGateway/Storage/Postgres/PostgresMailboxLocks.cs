using Microsoft.Extensions.Logging;
using Npgsql;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// Mailbox locks as session-level advisory locks, each on a connection of its own held while the lock is: the server
/// releases it when the connection ends, so a process that dies (even SIGKILLed) frees its mailboxes at once.
/// </summary>
public sealed class PostgresMailboxLocks(GatewayConnectionString database, ILogger<PostgresMailboxLocks> logger) : IMailboxLocks
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        // Not pooled: a pooled connection returned while still holding the lock would keep it for whoever uses it next.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Value) { Pooling = false, ApplicationName = "clp-mailbox-lock" }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
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
