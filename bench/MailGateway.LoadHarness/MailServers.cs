using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace ClpMailGateway.LoadHarness;

/// <summary>Helpers over the servers of scripts/mail-servers: waiting until Postfix has delivered everything (so one
/// phase's deliveries do not slow the next phase down) and emptying a mailbox before a scenario uses it.</summary>
internal static class MailServers
{
    private static readonly string[] QueueSubfolders = ["incoming", "active", "deferred", "maildrop"];

    /// <summary>The Postfix queue folder of scripts/mail-servers (its state lives in CLP_MAIL_DIR).</summary>
    private static string QueueFolder => Path.Combine(
        Environment.GetEnvironmentVariable("CLP_MAIL_DIR") is { Length: > 0 } dir ? dir : "/dev/shm/clp-mail-servers", "postfix", "spool");

    /// <summary>Mails Postfix still holds (incoming, active, deferred); null when the queue folder is not readable.</summary>
    public static int? QueuedMails()
    {
        try
        {
            return QueueSubfolders
                .Select(f => Path.Combine(QueueFolder, f))
                .Where(Directory.Exists)
                .Sum(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories).Count());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until the Postfix queue is empty (at most <paramref name="limit"/>), then a short settle time.</summary>
    public static async Task WaitForEmptyQueueAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit && QueuedMails() is > 0)
        {
            await Task.Delay(100, cancellationToken);
        }

        await Task.Delay(500, cancellationToken);
    }

    /// <summary>scripts/mail-servers hold (Postfix keeps what it accepts on its hold queue) or release (delivery on
    /// again, the held mails deleted).</summary>
    public static async Task HoldAsync(HarnessContext context, bool hold, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = context.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine("scripts", "mail-servers"));
        start.ArgumentList.Add(hold ? "hold" : "release");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Console.Write(output);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/mail-servers {(hold ? "hold" : "release")} exited {process.ExitCode}: {output}");
        }
    }

    public static async Task<ImapClient> ConnectImapAsync(string user, CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        await client.ConnectAsync(HarnessContext.Host, HarnessContext.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user, HarnessContext.Password, cancellationToken);
        return client;
    }

    /// <summary>Deletes every message in the mailbox's INBOX and in these other folders when they exist.</summary>
    public static async Task EmptyMailboxAsync(string user, IEnumerable<string> folders, CancellationToken cancellationToken)
    {
        using var client = await ConnectImapAsync(user, cancellationToken);
        var all = new List<IMailFolder> { client.Inbox };
        foreach (var name in folders)
        {
            try
            {
                all.Add(await client.GetFolderAsync(name, cancellationToken));
            }
            catch (FolderNotFoundException)
            {
            }
        }

        foreach (var folder in all)
        {
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            if (folder.Count > 0)
            {
                var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken);
                await folder.AddFlagsAsync(uids, MessageFlags.Deleted, true, cancellationToken);
                await folder.ExpungeAsync(cancellationToken);
            }

            await folder.CloseAsync(false, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
    }
}
