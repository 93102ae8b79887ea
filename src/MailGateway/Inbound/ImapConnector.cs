using System.Globalization;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace ClpMailGateway.Inbound;

/// <summary>Opens an authenticated IMAP connection as configured (TLS options and pinned certificate, timeout), logged in
/// by <see cref="MailLogin"/> (a password over the strongest SASL mechanism offered, or an OAuth2 token renewed when it
/// expires or is refused). Credentials never go in clear unless the configuration asks for no TLS to a loopback host.
/// One client per use, never shared.</summary>
public static class ImapConnector
{
    public static Task<ImapClient> ConnectAsync(ImapOptions options, MailLogin login, CancellationToken cancellationToken) =>
        ConnectAsync(options, login, null, cancellationToken);

    /// <param name="authenticated">Told what the server offered before the login (the list is gone after it) and the SASL
    /// mechanism used.</param>
    public static async Task<ImapClient> ConnectAsync(
        ImapOptions options, MailLogin login, Action<IReadOnlyList<string>, string>? authenticated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(login);
        var client = new ImapClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            var pin = options.CertificateSha256.Length > 0 ? CertificatePin.Parse(options.CertificateSha256) : null;
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => CertificatePin.Accepts(certificate, errors, pin);
            await client.ConnectAsync(options.Host, options.Port, options.Security, cancellationToken);
            login.EnsureMaySendCredentials(options.Security, client.IsSecure, options.Host, client.Capabilities.HasFlag(ImapCapabilities.StartTLS));

            var offered = client.AuthenticationMechanisms.Order(StringComparer.Ordinal).ToList();
            var mechanism = await login.AuthenticateAsync(
                client.AuthenticationMechanisms,
                sasl => client.AuthenticateAsync(sasl, cancellationToken),
                cancellationToken);
            authenticated?.Invoke(offered, mechanism);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<IMailFolder> OpenMailboxAsync(ImapClient client, string name, FolderAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var folder = string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(name, cancellationToken);
        await folder.OpenAsync(access, cancellationToken);
        return folder;
    }

    /// <summary>The folder, created when missing.</summary>
    public static async Task<IMailFolder> EnsureFolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await root.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder {name}.");
        }
    }
}
