using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>
/// One gateway against the real mail servers, with its own database and its own gateway mailbox
/// (<c>gwXXXXXXXX@clp.test</c>, so replies go to <c>gwXXXXXXXX+TOKEN@clp.test</c>): tests never see each other's mail.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    private GatewayHarness(MailServersFixture servers, TestDatabase database, string localPart, ScriptedFaults faults)
    {
        Servers = servers;
        Database = database;
        LocalPart = localPart;
        Faults = faults;
        World = new World(database);
    }

    public MailServersFixture Servers { get; }

    public TestDatabase Database { get; }

    public World World { get; }

    public string LocalPart { get; }

    public string GatewayAddress => $"{LocalPart}@{MailServersFixture.Domain}";

    public ScriptedFaults Faults { get; }

    public static async Task<GatewayHarness> CreateAsync(
        MailServersFixture servers, IReadOnlyDictionary<string, string?>? settings = null, DatabaseProvider? provider = null)
    {
        var localPart = "gw" + Guid.NewGuid().ToString("N")[..8];
        var faults = new ScriptedFaults();
        var all = new Dictionary<string, string?>
        {
            ["Mail:Domain"] = MailServersFixture.Domain,
            ["Mail:ReplyLocalPart"] = localPart,
            ["Imap:Host"] = servers.Host,
            ["Imap:Port"] = servers.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Imap:Username"] = $"{localPart}@{MailServersFixture.Domain}",
            ["Imap:Password"] = MailServersFixture.Password,
            ["Smtp:Host"] = servers.Host,
            ["Smtp:Port"] = servers.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var database = await TestDatabase.CreateAsync(settings: all, configure: s => s.AddSingleton<IInboundFaults>(faults), provider: provider);
        return new GatewayHarness(servers, database, localPart, faults);
    }

    /// <summary>A Broadcast post to <paramref name="followers"/> new followers of a new title, fanned out: that many
    /// notifications in the outbox, each to its own address. Returns the followers and the tag in the text.</summary>
    public async Task<(List<User> Users, string Tag)> PostToFollowersAsync(int followers)
    {
        var world = World;
        var title = await world.TitleAsync("fr");
        var author = await world.UserAsync(UserRole.Pm);
        var batch = Guid.NewGuid().ToString("N")[..8];
        var users = Enumerable.Range(0, followers).Select(i =>
        {
            var handle = $"b{batch}-{i}";
            var user = new User { Name = $"Bulk {i}", Handle = handle, Role = UserRole.Pm, CreatedAtUtc = DateTime.UtcNow, Settings = new UserSettings() };
            user.Emails.Add(new UserEmail { Address = $"{handle}@clp.test", IsPrimary = true, VerifiedAtUtc = DateTime.UtcNow });
            return user;
        }).ToList();
        await world.SaveAsync(db => db.Users.AddRange(users));
        await world.SaveAsync(db => db.Follows.AddRange(users.Select(u => new Follow { UserId = u.Id, TitleId = title.Id })));

        var tag = "n" + Guid.NewGuid().ToString("N")[..10];
        var result = await Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(title, "broadcast").Id, $"{tag} The locked cut is ready for every language.", [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await Database.FanOutAsync());
        return (users, tag);
    }

    public string ReplyAddress(string token) => $"{LocalPart}+{token}@{MailServersFixture.Domain}";

    public Task<string> IssueTokenAsync(User user, Channel channel) =>
        Database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(user.Id, channel.Id, CancellationToken.None));

    /// <summary>One poll with the fan-out of its posts alongside, as the gateway's poll job runs it.</summary>
    public Task<PollSummary> PollAsync() =>
        Database.WithAsync(s => s.GetRequiredService<FanoutWorker>().AlongsideAsync(
            s.GetRequiredService<ImapPoller>().PollAsync, CancellationToken.None));

    /// <summary>One run of the outbox job: the notifications of pending posts are queued, then the outbox is sent.</summary>
    public Task<int> SendOutboxAsync() =>
        Database.WithAsync(async s =>
        {
            await s.GetRequiredService<NotificationFanout>().RunAsync(CancellationToken.None);
            return await s.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None);
        });

    /// <summary>Sends through Postfix; <paramref name="envelopeFrom"/> empty means the null return path.</summary>
    public async Task SendAsync(MimeMessage message, string? envelopeFrom = null)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Servers.Host, Servers.SmtpPort, SecureSocketOptions.None);
        if (envelopeFrom is null)
        {
            await client.SendAsync(message);
        }
        else
        {
            await client.SendAsync(message, new MailboxAddress(string.Empty, envelopeFrom), message.To.Mailboxes);
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>Waits until the gateway mailbox holds <paramref name="count"/> mails in its INBOX (LMTP delivery is
    /// asynchronous to SMTP acceptance), so a poll sees them all.</summary>
    public Task WaitForInboxAsync(int count) => Servers.WaitForCountAsync(GatewayAddress, "INBOX", count, TimeSpan.FromSeconds(30));

    public Task<List<Message>> MessagesAsync(Channel channel) =>
        World.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).Where(m => m.ChannelId == channel.Id).OrderBy(m => m.Id).ToListAsync());

    public Task<List<InboundMail>> InboundAsync() =>
        World.QueryAsync(db => db.InboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    public Task<List<OutboundMail>> OutboxAsync() =>
        World.QueryAsync(db => db.OutboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}
