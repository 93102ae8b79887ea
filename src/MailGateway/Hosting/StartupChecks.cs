using ClpMailGateway.Inbound;
using MailKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Hosting;

/// <summary>What <c>run</c> and the web check before they start, so that a database they cannot write or a mailbox
/// folder that does not exist stops them with one clear line instead of a failure logged every few seconds.</summary>
public static class StartupChecks
{
    /// <summary>Proves the database takes a write: opens it (creating the file and its folder when new) and changes its
    /// header in a transaction that is rolled back.</summary>
    /// <exception cref="StartupCheckException">It cannot be opened or written.</exception>
    public static async Task EnsureDatabaseWritableAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var path = builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal)
            ? Path.GetFullPath(source)
            : builder.DataSource;
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } folder && Path.IsPathRooted(path))
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = new SqliteConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync(cancellationToken);
            try
            {
                command.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = $"PRAGMA user_version = {version}";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                command.CommandText = "ROLLBACK";
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StartupCheckException(
                $"the database {path} cannot be written ({FailureLog.Describe(ex)}); check that its folder is writable, not mounted read-only and not full",
                ex);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Checks that the polled folder exists on the IMAP server and that the Processed and Rejected folders exist
    /// or can be made. A server that cannot be reached is an outage, not a mistake: it is logged and the gateway starts
    /// (the poll retries).</summary>
    /// <exception cref="StartupCheckException">The server answers that a folder does not exist or cannot be made.</exception>
    public static async Task EnsureMailFoldersAsync(ImapOptions settings, MailAuth.MailLogin login, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        MailKit.Net.Imap.ImapClient client;
        try
        {
            client = await ImapConnector.ConnectAsync(settings, login, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                "Mail folders not checked at start: the IMAP server {Host}:{Port} cannot be used now ({Cause}); the poll retries",
                settings.Host, settings.Port, FailureLog.Describe(ex));
            return;
        }

        using (client)
        {
            try
            {
                await ImapConnector.OpenMailboxAsync(client, settings.Mailbox, FolderAccess.ReadOnly, cancellationToken);
            }
            catch (Exception ex) when (ex is FolderNotFoundException or MailKit.Net.Imap.ImapCommandException)
            {
                throw new StartupCheckException(
                    $"the mailbox folder '{settings.Mailbox}' (Imap:Mailbox) does not exist for {settings.Username} on {settings.Host}:{settings.Port} ({FailureLog.Describe(ex)})", ex);
            }

            foreach (var (key, name) in new[] { ("Imap:ProcessedFolder", settings.ProcessedFolder), ("Imap:RejectedFolder", settings.RejectedFolder) })
            {
                try
                {
                    await ImapConnector.EnsureFolderAsync(client, name, cancellationToken);
                }
                catch (Exception ex) when (ex is FolderNotFoundException or MailKit.Net.Imap.ImapCommandException)
                {
                    throw new StartupCheckException(
                        $"the folder '{name}' ({key}) does not exist for {settings.Username} on {settings.Host}:{settings.Port} and cannot be made ({FailureLog.Describe(ex)})", ex);
                }
            }

            await client.DisconnectAsync(true, cancellationToken);
        }
    }
}
