using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// The attacks of issue 22 through the real Postfix and Dovecot, with sender authentication required: a reply token
/// with a forged From, a DKIM-signed reply the gateway verifies against a key in a real DNS server, bounces that prove
/// themselves or not, a flood of forged mails, and two auto-responders answering each other's notifications.
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed class SenderSecurityTests(MailServersFixture servers) : IAsyncLifetime, IDisposable
{
    private readonly TestDns _dns = new();
    private GatewayHarness _gateway = null!;
    private Title _title = null!;
    private Channel _vendorFr = null!;
    private User _pm = null!;
    private User _lea = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Inbound:SenderAuthentication"] = "Require",
            ["Inbound:TrustedAuthServIds:0"] = "mx.clp.test",
            ["Inbound:DnsServers:0"] = _dns.Endpoint,
            ["Inbound:PostsPerSenderPerChannelPerHour"] = "5",
        });
        var world = _gateway.World;
        _title = await world.TitleAsync("fr");
        var lumen = await world.VendorAsync(_title, "fr");
        _pm = await world.UserAsync(UserRole.Pm);
        _lea = await world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _vendorFr = World.Channel(_title, "vendor-fr");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
    }

    public void Dispose() => _dns.Dispose();

    [Fact]
    public async Task ForgedFrom_WithTheMxsFailingResults_IsHeldSilently_NothingPostedNobodyMailed()
    {
        var token = await _gateway.IssueTokenAsync(_lea, _vendorFr);
        var forged = Mails.Reply(_lea.Emails[0].Address, _gateway.ReplyAddress(token), "Please pay invoice 2026-17 to the new account");
        forged.Headers.Insert(0, new Header("Authentication-Results", "mx.clp.test; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=clp.test"));

        await _gateway.SendAsync(forged, envelopeFrom: "attacker@evil.example");
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();
        await _gateway.SendOutboxAsync();

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(RejectReasons.SenderUnauthenticated, inbound.Reason);
        Assert.Empty(await _gateway.MessagesAsync(_vendorFr));
        Assert.Empty(await _gateway.OutboxAsync());
        Assert.Equal(0, await servers.CountAsync(_lea.Emails[0].Address, "INBOX"));
    }

    [Fact]
    public async Task DkimSignedReply_VerifiedByTheGatewayWithTheKeyInDns_IsPosted()
    {
        var lea = await _gateway.World.UserAsync(UserRole.Vendor, await _gateway.World.VendorAsync(_title, "fr"), ["fr"]);
        var keys = new DkimKeys("clp.test", "sel" + Guid.NewGuid().ToString("N")[..6]);
        keys.PublishIn(_dns);
        var reply = Mails.Reply(lea.Emails[0].Address, _gateway.ReplyAddress(await _gateway.IssueTokenAsync(lea, _vendorFr)), "Signed and sealed.");
        keys.Sign(reply);

        await _gateway.SendAsync(reply);
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(InboundStatus.Posted, inbound.Status);
        Assert.Contains("DKIM signature of clp.test verified by the gateway", inbound.Trace, StringComparison.Ordinal);
        Assert.Equal("Signed and sealed.", Assert.Single(await _gateway.MessagesAsync(_vendorFr)).Text);
    }

    [Fact]
    public async Task Bounces_OnlyThoseToTheMailsReturnPathNamingItsRecipient_Count()
    {
        await _gateway.World.SaveAsync(db => db.Follows.Add(new Follow { UserId = _lea.Id, TitleId = _title.Id }));
        await PostAsync(_pm, "Locked cut");
        await _gateway.SendOutboxAsync();
        var address = _lea.Emails[0].Address;
        var returnPath = await _gateway.World.QueryAsync(db => db.OutboundMails.Where(m => m.ToAddress == address).Select(m => m.EnvelopeFrom).SingleAsync());
        Assert.StartsWith(_gateway.LocalPart + "+bounces-", returnPath, StringComparison.Ordinal);
        // What arrived at Léa's mailbox names that return path.
        var delivered = await servers.WaitForMessageAsync(address, "Locked cut", TimeSpan.FromSeconds(30));
        Assert.Equal($"<{returnPath}>", delivered.Headers[HeaderId.ReturnPath]);

        await _gateway.SendAsync(Dsn(_gateway.GatewayAddress, address), envelopeFrom: string.Empty); // a fake to the plain address
        await _gateway.SendAsync(Dsn(returnPath, "pm.anna@clp.test"), envelopeFrom: string.Empty); // names another address
        await _gateway.WaitForInboxAsync(2);
        await _gateway.PollAsync();
        Assert.Null(await _gateway.World.QueryAsync(db => db.AddressHealth.SingleOrDefaultAsync()));

        await _gateway.SendAsync(Dsn(returnPath, address), envelopeFrom: string.Empty);
        await _gateway.SendAsync(Dsn(returnPath, address), envelopeFrom: string.Empty);
        await _gateway.WaitForInboxAsync(2);
        await _gateway.PollAsync();

        var health = await _gateway.World.QueryAsync(db => db.AddressHealth.SingleAsync());
        Assert.Equal((address, 2), (health.Address, health.PermanentBounces));
        Assert.NotNull(health.SuppressedAtUtc);
    }

    [Fact]
    public async Task FloodOf200ForgedMails_NoMailToAnyone()
    {
        var token = await _gateway.IssueTokenAsync(_lea, _vendorFr);
        using (var client = new MailKit.Net.Smtp.SmtpClient())
        {
            await client.ConnectAsync(servers.Host, servers.SmtpPort, MailKit.Security.SecureSocketOptions.None);
            for (var i = 0; i < 200; i++)
            {
                var to = (i % 4) switch
                {
                    0 => _gateway.ReplyAddress(token), // a real token, someone else's From
                    1 => _gateway.ReplyAddress("t1_" + Guid.NewGuid().ToString("N")), // a made-up token
                    2 => _gateway.GatewayAddress, // no token
                    _ => _gateway.ReplyAddress("t9_" + Guid.NewGuid().ToString("N")), // an unknown key
                };
                var forged = Mails.Reply($"victim{i}@elsewhere.example", to, $"Spam number {i}");
                await client.SendAsync(forged, MailboxAddress.Parse($"victim{i}@elsewhere.example"), [MailboxAddress.Parse(to)]);
            }

            await client.DisconnectAsync(true);
        }

        await _gateway.WaitForInboxAsync(200);
        await _gateway.PollAsync();
        await _gateway.SendOutboxAsync();

        var inbound = await _gateway.InboundAsync();
        Assert.Equal(200, inbound.Count);
        Assert.All(inbound, m => Assert.Equal(InboundStatus.Rejected, m.Status));
        Assert.Empty(await _gateway.OutboxAsync());
        Assert.Empty(await _gateway.MessagesAsync(_vendorFr));
    }

    [Fact]
    public async Task TwoAutoRespondersInOneChannel_TheLoopStopsWithinTheLimits()
    {
        // Two ticket systems follow the title: each acknowledges every notification it gets, quoting it, with no RFC 3834
        // headers and a new ticket number each time. Their posts notify each other.
        var responders = new List<User>();
        for (var i = 0; i < 2; i++)
        {
            responders.Add(await _gateway.World.UserAsync(UserRole.Vendor, await _gateway.World.VendorAsync(_title, "fr"), ["fr"]));
        }

        await _gateway.World.SaveAsync(db => db.Follows.AddRange(responders.Select(r => new Follow { UserId = r.Id, TitleId = _title.Id })));
        var admins = await _gateway.World.UserAsync(UserRole.Pm);
        await _gateway.World.SaveAsync(db => db.Users.Where(u => u.Id == admins.Id).ToList().ForEach(u => u.IsAdmin = true));
        await PostAsync(_pm, "Kick-off: please confirm the delivery schedule");

        var ticket = 1000;
        var answered = new Dictionary<int, HashSet<string>>();
        var rounds = 0;
        for (; rounds < 30; rounds++)
        {
            await _gateway.SendOutboxAsync();
            var sent = 0;
            foreach (var responder in responders)
            {
                foreach (var notification in await NewNotificationsAsync(responder, answered))
                {
                    var ack = Mails.Reply(responder.Emails[0].Address, notification.ReplyTo.Mailboxes.Single().Address,
                        $"Thank you, your request was received as ticket #{ticket++}.");
                    ack.Headers.Insert(0, new Header("Authentication-Results", "mx.clp.test; dmarc=pass header.from=clp.test"));
                    await _gateway.SendAsync(ack);
                    sent++;
                }
            }

            if (sent == 0)
            {
                break;
            }

            await _gateway.WaitForInboxAsync(sent);
            await _gateway.PollAsync();
        }

        var posts = await _gateway.MessagesAsync(_vendorFr);
        Assert.True(rounds < 30, $"the loop was still running after {rounds} rounds ({posts.Count} posts)");
        Assert.All(responders, r => Assert.True(posts.Count(p => p.AuthorId == r.Id) <= 5, "a responder posted more than its hourly limit"));
        var held = await _gateway.World.QueryAsync(db => db.InboundMails.Where(m => m.Reason == RejectReasons.RateLimited).CountAsync());
        Assert.True(held > 0, "the per-sender limit never held anything");
        var notices = await _gateway.World.QueryAsync(db => db.OutboundMails.Where(m => m.Purpose == "staff-notice").Select(m => m.RateKey).ToListAsync());
        Assert.Equal(notices.Distinct().Count(), notices.Count); // one notice per responder and hour
    }

    private async Task<List<MimeMessage>> NewNotificationsAsync(User user, Dictionary<int, HashSet<string>> answered)
    {
        var seen = answered.TryGetValue(user.Id, out var ids) ? ids : answered[user.Id] = [];
        using var client = new ImapClient();
        await client.ConnectAsync(servers.Host, servers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user.Emails[0].Address, MailServersFixture.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var found = new List<MimeMessage>();
        foreach (var uid in await client.Inbox.SearchAsync(SearchQuery.All))
        {
            var message = await client.Inbox.GetMessageAsync(uid);
            if (message.MessageId is { } id && seen.Add(id))
            {
                found.Add(message);
            }
        }

        await client.DisconnectAsync(true);
        return found;
    }

    private async Task PostAsync(User author, string text)
    {
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, _vendorFr.Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        await _gateway.Database.FanOutAsync();
    }

    private static MimeMessage Dsn(string to, string recipient) => MimeMessage.Load(new MemoryStream(Bounces.Dsn(to, recipient)));
}
