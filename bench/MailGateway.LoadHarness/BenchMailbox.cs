using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>A dedicated gateway mailbox of the real Dovecot for one scenario: emptied (INBOX, Processed, Rejected)
/// before a run, filled with IMAP MULTIAPPEND, counted and read back with plain MailKit.</summary>
internal sealed class BenchMailbox(string address)
{
    public string Address { get; } = address;

    public async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        await client.ConnectAsync(HarnessContext.Host, HarnessContext.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(Address, HarnessContext.Password, cancellationToken);
        return client;
    }

    /// <summary>Deletes every mail of INBOX and of the gateway's Processed and Rejected folders.</summary>
    public async Task CleanAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var folders = new List<IMailFolder> { client.Inbox };
        foreach (var name in new[] { "Processed", "Rejected" })
        {
            try
            {
                folders.Add(await root.GetSubfolderAsync(name, cancellationToken));
            }
            catch (FolderNotFoundException)
            {
            }
        }

        foreach (var folder in folders)
        {
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            if (folder.Count > 0)
            {
                var all = await folder.SearchAsync(SearchQuery.All, cancellationToken);
                await folder.AddFlagsAsync(all, MessageFlags.Deleted, true, cancellationToken);
                await folder.ExpungeAsync(cancellationToken);
            }

            await folder.CloseAsync(false, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>Appends the raw mails to INBOX with MULTIAPPEND, in batches of at most 200 mails or about 16 MB.</summary>
    public async Task AppendAsync(IReadOnlyList<byte[]> raws, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var batch = new List<IAppendRequest>();
        long bytes = 0;
        foreach (var raw in raws)
        {
            var message = MimeMessage.Load(new MemoryStream(raw, writable: false), cancellationToken);
            batch.Add(new AppendRequest(message, MessageFlags.None));
            bytes += raw.Length;
            if (batch.Count >= 200 || bytes >= 16 * 1024 * 1024)
            {
                await client.Inbox.AppendAsync(batch, cancellationToken);
                batch.Clear();
                bytes = 0;
            }
        }

        if (batch.Count > 0)
        {
            await client.Inbox.AppendAsync(batch, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
    }

    public async Task<int> CountAsync(string folderName, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var folder = folderName == "INBOX" ? client.Inbox : await client.GetFolder(client.PersonalNamespaces[0]).GetSubfolderAsync(folderName, cancellationToken);
        await folder.StatusAsync(StatusItems.Count, cancellationToken);
        var count = folder.Count;
        await client.DisconnectAsync(true, cancellationToken);
        return count;
    }

    /// <summary>The baseline: plain MailKit fetching every mail of INBOX in full (BODY.PEEK[], batches of 500 UIDs, one
    /// FETCH per batch) and parsing each with MimeKit, from connect to disconnect. Returns the count and bytes read.</summary>
    public async Task<(int Count, long Bytes)> FetchAllAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var inbox = (ImapFolder)client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var uids = await inbox.SearchAsync(SearchQuery.All, cancellationToken);
        int count = 0;
        long bytes = 0;
        foreach (var batch in uids.Chunk(500))
        {
            await inbox.GetStreamsAsync(batch, async (_, _, _, stream, token) =>
            {
                var message = await MimeMessage.LoadAsync(stream, token);
                bytes += stream.Length;
                count++;
                message.Dispose();
            }, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
        return (count, bytes);
    }
}
