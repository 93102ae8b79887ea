using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>A dedicated gateway mailbox of the real Dovecot for one scenario: emptied (INBOX, Processed, Rejected)
/// before a run, filled with IMAP MULTIAPPEND, counted and read back with plain MailKit.</summary>
internal sealed class BenchMailbox(string address)
{
    public string Address { get; } = address;

    public Task<ImapClient> ConnectAsync(CancellationToken cancellationToken) => MailServers.ConnectImapAsync(Address, cancellationToken);

    /// <summary>Deletes every mail of INBOX and of the gateway's Processed and Rejected folders.</summary>
    public Task CleanAsync(CancellationToken cancellationToken) =>
        MailServers.EmptyMailboxAsync(Address, ["Processed", "Rejected"], cancellationToken);

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
