using ClpMailGateway.Inbound;
using MailKit;
using System.Data.Common;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Hosting;

/// <summary>What <c>run</c> and the web check before they start, so that a database they cannot write or a mailbox
/// folder that does not exist stops them with one clear line instead of a failure logged every few seconds.</summary>
public static class StartupChecks
{
    /// <summary>Proves the database takes a write (SQLite: opens it, creating the file and its folder when new, and
    /// changes its header in a transaction that is rolled back; PostgreSQL: connects and finds the server writable).</summary>
    /// <exception cref="StartupCheckException">It cannot be opened or written.</exception>
    public static async Task EnsureDatabaseWritableAsync(DatabaseSettings database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await StorageDialect.For(database.Provider).EnsureWritableAsync(database.ConnectionString, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException)
        {
            throw new StartupCheckException(
                $"the database {database.Describe()} cannot be written ({FailureLog.Describe(ex)}); "
                + (database.IsPostgres
                    ? "check that the server runs, the connection string's host, port, user and password, and that it is not a read-only standby"
                    : "check that its folder is writable, not mounted read-only and not full"),
                ex);
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

    /// <summary>Proves every address of <paramref name="urls"/> with a fixed port can be listened on, so that a port in use
    /// stops <c>run</c> with one line before anything has started (Kestrel's own bind failure comes with the host's stack
    /// trace and a half-started host). Port 0 and host names other than localhost are left to Kestrel.</summary>
    /// <exception cref="StartupCheckException">An address is in use or cannot be listened on.</exception>
    public static void EnsureHttpPortsFree(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var url in urls)
        {
            if (!GatewayHttpOptionsValidator.TryParse(url, out var host, out var port) || port is 0 or > 65535)
            {
                continue;
            }

            var address = host is "*" or "+" ? System.Net.IPAddress.Any
                : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed
                : null;
            if (address is null)
            {
                continue;
            }

            var listener = new System.Net.Sockets.TcpListener(address, port);
            try
            {
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                var why = ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse ? "address already in use" : ex.Message;
                throw new StartupCheckException($"{GatewayHttpOptions.SectionName}:Urls: cannot listen on {url}: {why}; stop what uses it or choose another port");
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
