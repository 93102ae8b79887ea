using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace ClpMailGateway.Inbound;

/// <summary>Opens an authenticated IMAP connection as configured (password or SASL XOAUTH2, TLS options, timeout).
/// One client per use, never shared.</summary>
public static class ImapConnector
{
    public static async Task<ImapClient> ConnectAsync(ImapOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ImapClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, options.Security, cancellationToken);
            if (options.AuthMechanism == ImapAuthMechanism.OAuth2)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(options.Username, options.OAuth2AccessToken), cancellationToken);
            }
            else
            {
                await client.AuthenticateAsync(options.Username, options.Password, cancellationToken);
            }

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
