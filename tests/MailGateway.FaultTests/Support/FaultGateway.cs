using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>One scenario's gateway: its own database (optionally in a folder of the scenario's choosing, such as a small
/// tmpfs), its own gateway mailbox (<c>gwXXXXXXXX@clp.test</c>), a title with a French vendor user who replies, and the
/// settings a gateway process needs to work on them.</summary>
public sealed class FaultGateway : IAsyncDisposable
{
    private FaultGateway(FaultEnvironment environment, TestDatabase database, string localPart, string workingFolder, Dictionary<string, string?> settings)
    {
        Environment = environment;
        Database = database;
        LocalPart = localPart;
        WorkingFolder = workingFolder;
        Settings = settings;
        World = new World(database);
    }

    public FaultEnvironment Environment { get; }

    public TestDatabase Database { get; }

    public World World { get; }

    public string LocalPart { get; }

    public string GatewayAddress => $"{LocalPart}@{FaultEnvironment.Domain}";

    public string WorkingFolder { get; }

    /// <summary>The gateway process's settings (environment variables); a scenario may change them before a start.</summary>
    public Dictionary<string, string?> Settings { get; }

    public Title Title { get; private set; } = null!;

    public User Replier { get; private set; } = null!;

    public string ReplyToken { get; private set; } = null!;

    public static async Task<FaultGateway> CreateAsync(FaultEnvironment environment, string? databasePath = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var localPart = "gw" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Domain"] = FaultEnvironment.Domain,
            ["Mail:ReplyLocalPart"] = localPart,
            ["Imap:Host"] = FaultEnvironment.Host,
            ["Imap:Port"] = environment.ImapPort.ToString(CultureInfo.InvariantCulture),
            ["Imap:Username"] = $"{localPart}@{FaultEnvironment.Domain}",
            ["Imap:Password"] = FaultEnvironment.Password,
            ["Imap:PollInterval"] = "00:00:05",
            ["Smtp:Host"] = FaultEnvironment.Host,
            ["Smtp:Port"] = environment.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["ReplyTokens:CurrentKeyId"] = "t1",
            ["ReplyTokens:Keys:t1"] = TestDatabase.TestTokenKey,
            ["Logging:LogLevel:Default"] = "Information",
            // The test mail carries no DKIM signature, and one person sends every reply.
            ["Inbound:SenderAuthentication"] = "Off",
            ["Inbound:PostsPerSenderPerChannelPerHour"] = "1000000",
            ["Inbound:PostsPerSenderPerHour"] = "1000000",
            // The HTTP listener of run on a free port: scenarios (and other test runs) start gateways side by side.
            ["Gateway:Http:Urls"] = "http://127.0.0.1:0",
        };
        if (databasePath is not null)
        {
            settings["ConnectionStrings:Gateway"] = $"Data Source={databasePath}";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var database = await TestDatabase.CreateAsync(settings: settings);
        if (databasePath is null)
        {
            settings["ConnectionStrings:Gateway"] = database.ConnectionString;
        }
        var working = Path.Combine(database.Folder, "work");
        Directory.CreateDirectory(working);
        var gateway = new FaultGateway(environment, database, localPart, working, settings);
        gateway.Title = await gateway.World.TitleAsync("fr");
        var vendor = await gateway.World.VendorAsync(gateway.Title, "fr");
        gateway.Replier = await gateway.World.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        gateway.ReplyToken = await database.WithAsync(s => s.GetRequiredService<ReplyTokenService>()
            .IssueAsync(gateway.Replier.Id, World.Channel(gateway.Title, "vendor-fr").Id, CancellationToken.None));
        return gateway;
    }

    public string ReplyAddress => $"{LocalPart}+{ReplyToken}@{FaultEnvironment.Domain}";

    public GatewayProcess Start(params string[] arguments) =>
        GatewayProcess.Start(FaultEnvironment.GatewayDll, WorkingFolder, Settings, arguments.Length == 0 ? ["run"] : arguments);

    /// <summary>Starts <c>run</c> and waits until its host has started (jobs scheduled, IDLE connecting).</summary>
    public async Task<GatewayProcess> StartRunningAsync()
    {
        var process = Start();
        await process.WaitForLineAsync("Application started", TimeSpan.FromSeconds(60));
        return process;
    }

    /// <summary>A plain reply from <see cref="Replier"/> with a unique Message-ID (and a file, if given).</summary>
    public byte[] Reply(string text, byte[]? file = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Replier.Emails[0].Address));
        message.To.Add(MailboxAddress.Parse(ReplyAddress));
        message.Subject = "Re: timeline " + Guid.NewGuid().ToString("N")[..8];
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Date = DateTimeOffset.UtcNow;
        var body = new TextPart("plain") { Text = text + "\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n> Please check.\n" };
        if (file is null)
        {
            message.Body = body;
        }
        else
        {
            message.Body = new Multipart("mixed")
            {
                body,
                new MimePart("application", "octet-stream")
                {
                    Content = new MimeContent(new MemoryStream(file)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = "reel.bin",
                },
            };
        }

        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return buffer.ToArray();
    }

    /// <summary>Sends raw bytes through Postfix as they are (no MIME library in the way: hostile mails stay hostile),
    /// from the replier to the gateway's reply address.</summary>
    public Task SendAsync(byte[] raw) => SmtpRaw.SendAsync(FaultEnvironment.Host, Environment.SmtpPort, Replier.Emails[0].Address, ReplyAddress, raw);

    /// <summary>Posts of the vendor channel by the Message-ID of the mail they came from.</summary>
    public Task<Dictionary<string, int>> PostsBySourceAsync() =>
        World.QueryAsync(db => db.Messages.AsNoTracking().Where(m => m.SourceMessageId != null)
            .GroupBy(m => m.SourceMessageId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));

    public Task<int> PendingInboundAsync() => World.QueryAsync(db => db.InboundMails.CountAsync(m => m.Status == InboundStatus.Pending));

    public Task<List<InboundMail>> InboundAsync() => World.QueryAsync(db => db.InboundMails.AsNoTracking().Select(InboundRows.WithoutRaw).ToListAsync());

    /// <summary>Mails in the gateway mailbox's INBOX not yet moved.</summary>
    public int InboxCount() => Environment.MaildirFiles(LocalPart).Count();

    /// <summary>Posts a message to the title's Broadcast channel as a staff user and queues its notifications, as the web
    /// does: one outbox row per follower.</summary>
    public async Task<int> BroadcastAsync(User author, string text)
    {
        var channel = World.Channel(Title, "broadcast");
        await Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, channel.Id, text, [], MessageOrigin.Web, null), CancellationToken.None));
        return await Database.FanOutAsync();
    }

    /// <summary>Vendor users following the title, mail immediate, in one transaction: the audience of a Broadcast.</summary>
    public async Task<List<User>> FollowersAsync(int count)
    {
        var vendor = await World.VendorAsync(Title, "fr");
        var now = DateTime.UtcNow;
        var users = Enumerable.Range(0, count).Select(i =>
        {
            var handle = $"{LocalPart}-f{i}";
            var user = new User
            {
                Name = "Follower " + handle,
                Handle = handle,
                Role = UserRole.Vendor,
                VendorId = vendor.Id,
                IsActive = true,
                CreatedAtUtc = now,
                Settings = new UserSettings(),
            };
            user.Emails.Add(new UserEmail { Address = $"{handle}@{FaultEnvironment.Domain}", IsPrimary = true, VerifiedAtUtc = now });
            user.Languages.Add(new UserLanguage { Language = "fr" });
            return user;
        }).ToList();
        await World.SaveAsync(db => db.Users.AddRange(users));
        await World.SaveAsync(db => db.Follows.AddRange(users.Select(u => new Follow { UserId = u.Id, TitleId = Title.Id, CreatedAtUtc = now })));
        return users;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Database.DisposeAsync();
    }
}

/// <summary>What the fault scenarios read of inbound rows (never the raw bytes).</summary>
internal static class InboundRows
{
    public static readonly System.Linq.Expressions.Expression<Func<InboundMail, InboundMail>> WithoutRaw = m => new InboundMail
    {
        Id = m.Id,
        Mailbox = m.Mailbox,
        Sha256 = m.Sha256,
        MessageId = m.MessageId,
        Status = m.Status,
        Reason = m.Reason,
        ReasonDetail = m.ReasonDetail,
        Attempts = m.Attempts,
        ReceivedAtUtc = m.ReceivedAtUtc,
        ProcessedAtUtc = m.ProcessedAtUtc,
        SizeBytes = m.SizeBytes,
        Raw = Array.Empty<byte>(),
    };
}

/// <summary>A minimal SMTP client that sends bytes exactly as given (dot-stuffed), for mails no MIME library should
/// touch on the way.</summary>
internal static class SmtpRaw
{
    public static async Task SendAsync(string host, int port, string from, string to, byte[] raw)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1, false, 4096, leaveOpen: true);
        await ExpectAsync(reader, "220");
        foreach (var (command, code) in new[] { ("EHLO fault.test", "250"), ($"MAIL FROM:<{from}>", "250"), ($"RCPT TO:<{to}>", "250"), ("DATA", "354") })
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            await ExpectAsync(reader, code);
        }

        await stream.WriteAsync(DotStuff(raw));
        await ExpectAsync(reader, "250");
        await stream.WriteAsync("QUIT\r\n"u8.ToArray());
    }

    private static async Task ExpectAsync(StreamReader reader, string code)
    {
        string? line;
        do
        {
            line = await reader.ReadLineAsync() ?? throw new IOException("the SMTP server closed the connection");
        }
        while (line.Length > 3 && line[3] == '-');

        if (!line.StartsWith(code, StringComparison.Ordinal))
        {
            throw new IOException($"SMTP: expected {code}, got: {line}");
        }
    }

    private static byte[] DotStuff(byte[] raw)
    {
        using var output = new MemoryStream(raw.Length + 1024);
        var lineStart = true;
        foreach (var b in raw)
        {
            if (lineStart && b == (byte)'.')
            {
                output.WriteByte((byte)'.');
            }

            output.WriteByte(b);
            lineStart = b == (byte)'\n';
        }

        if (!lineStart)
        {
            output.Write("\r\n"u8);
        }

        output.Write(".\r\n"u8);
        return output.ToArray();
    }
}
