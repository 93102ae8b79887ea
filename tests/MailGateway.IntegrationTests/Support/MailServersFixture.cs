using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>
/// The real Dovecot and Postfix of <c>scripts/mail-servers</c> on 127.0.0.1, shared by every integration test.
/// <c>start</c> is idempotent: when the test script has started them already, this only checks they answer.
/// </summary>
public sealed class MailServersFixture : IAsyncLifetime
{
    public const string Domain = "clp.test";
    public const string Password = "demo";

    public string Host { get; } = "127.0.0.1";

    public int SmtpPort { get; } = Port("CLP_SMTP_PORT", 2525);

    /// <summary>Postfix with STARTTLS required (self-signed certificate, see scripts/mail-servers).</summary>
    public int SubmissionPort { get; } = Port("CLP_SUBMISSION_PORT", 2587);

    /// <summary>Postfix with TLS from the first byte (the same certificate).</summary>
    public int SmtpsPort { get; } = Port("CLP_SMTPS_PORT", 2465);

    public int ImapPort { get; } = Port("CLP_IMAP_PORT", 1143);

    /// <summary>Where Dovecot's oauth2 passdb introspects tokens (http://127.0.0.1:PORT/introspect), served by the test
    /// that needs it (<see cref="OAuth2Endpoint"/>); the same default as scripts/mail-servers.</summary>
    public int OAuth2Port => Port("CLP_OAUTH2_PORT", ImapPort + 20000 <= 65535 ? ImapPort + 20000 : ImapPort - 20000);

    /// <summary>Where scripts/mail-servers keeps its state (CLP_MAIL_DIR), e.g. the TLS certificate in tls/cert.pem.</summary>
    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("CLP_MAIL_DIR") is { Length: > 0 } dir ? dir
        : Directory.Exists("/dev/shm") ? "/dev/shm/clp-mail-servers" : "/tmp/clp-mail-servers";

    public static string RepositoryRoot => ClpMailGateway.TestSupport.RepositoryPaths.Root;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(RepositoryRoot, "scripts", "mail-servers");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, "start"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        }) ?? throw new InvalidOperationException("could not start scripts/mail-servers");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/mail-servers start failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Waits until a mail with <paramref name="text"/> in its subject or body is in the mailbox's INBOX and returns
    /// the newest such mail (Dovecot delivery via LMTP is asynchronous to SMTP acceptance; notifications of one channel
    /// share their subject, so a test marks their text instead).</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string user, string text, TimeSpan timeout)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var uids = await inbox.SearchAsync(SearchQuery.SubjectContains(text).Or(SearchQuery.BodyContains(text)));
            if (uids.Count > 0)
            {
                var message = await inbox.GetMessageAsync(uids[^1]);
                await client.DisconnectAsync(true);
                return message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no mail with '{text}' reached {user} within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(100);
            await client.NoOpAsync();
        }
    }

    /// <summary>Waits until a folder of a mailbox holds at least <paramref name="count"/> mails.</summary>
    public async Task WaitForCountAsync(string user, string folderName, int count, TimeSpan timeout)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var folder = folderName == "INBOX" ? client.Inbox : await client.GetFolderAsync(folderName);
            var status = await folder.StatusAsync(StatusItems.Count).ContinueWith(_ => folder.Count, TaskScheduler.Default);
            if (status >= count)
            {
                await client.DisconnectAsync(true);
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{user}/{folderName} holds {status} mails, not {count}, after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>How many mails a folder of a mailbox holds now (0 when the folder does not exist).</summary>
    public async Task<int> CountAsync(string user, string folderName)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        try
        {
            var folder = folderName == "INBOX" ? client.Inbox : await client.GetFolderAsync(folderName);
            await folder.StatusAsync(StatusItems.Count);
            return folder.Count;
        }
        catch (FolderNotFoundException)
        {
            return 0;
        }
        finally
        {
            await client.DisconnectAsync(true);
        }
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}

[CollectionDefinition(Name)]
public sealed class MailServersGroup : ICollectionFixture<MailServersFixture>
{
    public const string Name = "mail servers";
}
