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

    /// <summary>Deletes every mail of INBOX, of the gateway's Processed and Rejected folders and of the staging folder.</summary>
    public Task CleanAsync(CancellationToken cancellationToken) =>
        MailServers.EmptyMailboxAsync(Address, ["Processed", "Rejected", StagingFolder], cancellationToken);

    /// <summary>Where mails wait before they are moved into INBOX all at once.</summary>
    public const string StagingFolder = "Staging";

    /// <summary>Appends the raw mails to INBOX with MULTIAPPEND, in batches of at most 200 mails or about 16 MB.</summary>
    public Task AppendAsync(IReadOnlyList<byte[]> raws, CancellationToken cancellationToken) => AppendAsync(raws, null, cancellationToken);

    /// <summary>The same into <paramref name="folderName"/> (created when missing; INBOX when null).</summary>
    public async Task AppendAsync(IReadOnlyList<byte[]> raws, string? folderName, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var target = folderName is null ? client.Inbox : await FolderAsync(client, folderName, cancellationToken);
        var batch = new List<IAppendRequest>();
        long bytes = 0;
        foreach (var raw in raws)
        {
            var message = MimeMessage.Load(new MemoryStream(raw, writable: false), cancellationToken);
            batch.Add(new AppendRequest(message, MessageFlags.None));
            bytes += raw.Length;
            if (batch.Count >= 200 || bytes >= 16 * 1024 * 1024)
            {
                await target.AppendAsync(batch, cancellationToken);
                batch.Clear();
                bytes = 0;
            }
        }

        if (batch.Count > 0)
        {
            await target.AppendAsync(batch, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>Moves the <paramref name="count"/> oldest mails of <paramref name="folderName"/> into INBOX with one
    /// UID MOVE, so that they arrive at once.</summary>
    public async Task MoveToInboxAsync(string folderName, int count, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var folder = await FolderAsync(client, folderName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var uids = (await folder.SearchAsync(SearchQuery.All, cancellationToken)).OrderBy(u => u.Id).Take(count).ToList();
        await folder.MoveToAsync(uids, client.Inbox, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }

    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true, cancellationToken)
                ?? throw new InvalidOperationException($"the IMAP server did not create {name}");
        }
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

    /// <summary>INBOX opened read-only, and the UIDs of all its mails.</summary>
    private static async Task<(ImapFolder Inbox, IList<UniqueId> Uids)> OpenInboxAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var inbox = (ImapFolder)client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return (inbox, await inbox.SearchAsync(SearchQuery.All, cancellationToken));
    }

    /// <summary>A reference beside the baseline: every mail of INBOX fetched in full as for the baseline (batches of 500
    /// UIDs), its bytes kept, and <paramref name="understand"/> run over each batch on every core while the next batch is
    /// fetched, nothing stored. Returns the count.</summary>
    public async Task<int> FetchAndUnderstandAsync(Action<byte[]> understand, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var (inbox, uids) = await OpenInboxAsync(client, cancellationToken);
        var count = 0;
        var understanding = Task.CompletedTask;
        foreach (var batch in uids.Chunk(500))
        {
            var raws = new List<byte[]>(batch.Length);
            await inbox.GetStreamsAsync(batch, async (_, _, _, stream, token) =>
            {
                var raw = new byte[stream.Length];
                await stream.ReadExactlyAsync(raw, token);
                raws.Add(raw);
            }, cancellationToken);
            await understanding;
            understanding = Task.Run(() => Parallel.ForEach(raws, understand), cancellationToken);
            count += raws.Count;
        }

        await understanding;
        await client.DisconnectAsync(true, cancellationToken);
        return count;
    }

    /// <summary>The baseline: plain MailKit fetching every mail of INBOX in full (BODY.PEEK[], batches of 500 UIDs, one
    /// FETCH per batch) and parsing each with MimeKit, from connect to disconnect. Returns the count and bytes read.</summary>
    public async Task<(int Count, long Bytes)> FetchAllAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var (inbox, uids) = await OpenInboxAsync(client, cancellationToken);
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
