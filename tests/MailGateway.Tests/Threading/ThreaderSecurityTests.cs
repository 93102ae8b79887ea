using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Threading;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ClpMailGateway.Tests.Threading;

/// <summary>What a reply must prove before it is posted, and what the gateway never does for a forger: replies stored and
/// threaded by the real pipeline on SQLite, with sender authentication required (the receiving MX's results trusted under
/// <c>mx.clp.test</c>).</summary>
public sealed class ThreaderSecurityTests : IAsyncLifetime
{
    private const string Pass = "mx.clp.test; dmarc=pass header.from=clp.test";
    private const string Fail = "mx.clp.test; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=clp.test";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private Channel _vendorFr = null!;
    private User _lea = null!;
    private User _colleague = null!;
    private User _admin = null!;
    private long _uid;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(_time, new Dictionary<string, string?>
        {
            ["Inbound:SenderAuthentication"] = "Require",
            ["Inbound:TrustedAuthServIds:0"] = "mx.clp.test",
            ["Inbound:PostsPerSenderPerChannelPerHour"] = "3",
            ["Inbound:RejectionsPerAddressPerDay"] = "3",
            ["Inbound:RejectionsPerHour"] = "5",
        });
        _world = new World(_database);
        _title = await _world.TitleAsync("fr");
        var lumen = await _world.VendorAsync(_title, "fr");
        _lea = await _world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _colleague = await _world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _admin = await _world.UserAsync(UserRole.Pm);
        await _world.SaveAsync(db => db.Users.Where(u => u.Id == _admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        _vendorFr = World.Channel(_title, "vendor-fr");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ForgedFrom_MxSaysDmarcFail_QuarantinedSilently()
    {
        var mail = await ThreadAsync(await ReplyAsync(_lea, "Pay the new account", Fail));

        Assert.Equal((InboundStatus.Rejected, RejectReasons.SenderUnauthenticated), (mail.Status, mail.Reason));
        Assert.Contains("dmarc=fail", mail.ReasonDetail, StringComparison.Ordinal);
        Assert.Empty(await TextsAsync());
        Assert.Equal(0, await RejectionsAsync());
    }

    [Fact]
    public async Task ForgedFrom_NoResultsAndNoSignature_QuarantinedSilently()
    {
        var mail = await ThreadAsync(await ReplyAsync(_lea, "Unsigned"));

        Assert.Equal(RejectReasons.SenderUnauthenticated, mail.Reason);
        Assert.Empty(await TextsAsync());
    }

    [Fact]
    public async Task Authenticated_FromATokenOwnersAddress_IsPosted()
    {
        var mail = await ThreadAsync(await ReplyAsync(_lea, "Real reply", Pass));

        Assert.Equal(InboundStatus.Posted, mail.Status);
        Assert.Contains("sender authenticated", mail.Trace, StringComparison.Ordinal);
        Assert.Equal(["Real reply"], await TextsAsync());
    }

    [Fact]
    public async Task TwoFromAddresses_TheTokenOwnersFirst_AreNotPosted()
    {
        var raw = await ReplyAsync(_lea, "Two senders", Pass, extraFrom: "attacker@evil.example");

        var mail = await ThreadAsync(raw);

        Assert.NotEqual(InboundStatus.Posted, mail.Status);
        Assert.Empty(await TextsAsync());
    }

    [Fact]
    public async Task WarnMode_Unauthenticated_IsPostedWithTheResultsInItsTrace()
    {
        await using var warn = await TestDatabase.CreateAsync(_time, new Dictionary<string, string?> { ["Inbound:SenderAuthentication"] = "Warn" });
        var world = new World(warn);
        var title = await world.TitleAsync("fr");
        var user = await world.UserAsync(UserRole.Vendor, await world.VendorAsync(title, "fr"), ["fr"]);

        var mail = await ThreadAsync(warn, await ReplyAsync(warn, user, World.Channel(title, "vendor-fr"), "Posted anyway", Fail));

        Assert.Equal(InboundStatus.Posted, mail.Status);
        Assert.Contains("sender not authenticated", mail.Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ColleagueWithLeasToken_Authenticated_IsRefusedAndToldAsThemselves()
    {
        var token = await TokenAsync(_lea);

        var mail = await ThreadAsync(Reply(_colleague.Emails[0].Address, token, "Answering for Léa", Pass));

        Assert.Equal(RejectReasons.SenderMismatch, mail.Reason);
        Assert.Equal([_colleague.Emails[0].Address], await RejectionAddressesAsync());
        Assert.Empty(await TextsAsync());
    }

    [Fact]
    public async Task Rejections_NeverToANonUserOrAnUnauthenticatedSender_OrAnAutomaticOne()
    {
        var token = await TokenAsync(_lea);
        await ThreadAsync(Reply("stranger@vendor.example", token, "Not a user", "mx.clp.test; dmarc=pass header.from=vendor.example"));
        await ThreadAsync(Reply(_colleague.Emails[0].Address, token, "Forged colleague", Fail));
        await ThreadAsync(Reply(_colleague.Emails[0].Address, token, "Bulk", Pass, headers: ("Precedence", "bulk")));
        await ThreadAsync(Reply(_colleague.Emails[0].Address, token, "A list", Pass, headers: ("List-Id", "<team.vendor.example>")));

        Assert.Equal(0, await RejectionsAsync());
        var traces = await _world.QueryAsync(db => db.InboundMails.OrderBy(m => m.Id).Select(m => m.Trace).ToListAsync());
        Assert.Contains("the sender is not a user of the platform", traces[0], StringComparison.Ordinal);
        Assert.Contains("could not be authenticated", traces[1], StringComparison.Ordinal); // quarantined silently, before any rejection is considered
        Assert.Contains("Automatic reply: never posted, nobody told", traces[2], StringComparison.Ordinal); // Precedence: bulk is an auto-reply
        Assert.Contains("a mailing list's mail", traces[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejections_PerAddressAndDay_AreLimited_AndOnePerReason()
    {
        var token = await TokenAsync(_lea);
        for (var i = 0; i < 2; i++)
        {
            await ThreadAsync(Reply(_colleague.Emails[0].Address, token, $"Mismatch {i}", Pass)); // sender_mismatch, twice
        }

        await ThreadAsync(Reply(_colleague.Emails[0].Address, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Bad token", Pass)); // invalid_token
        await ThreadAsync(Reply(_colleague.Emails[0].Address, null, "No token", Pass)); // no_token
        await ThreadAsync(Reply(_colleague.Emails[0].Address, "t9_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Old key", Pass)); // expired_token

        Assert.Equal(3, await RejectionsAsync()); // sender_mismatch once, then two more reasons; the fourth reason is over the day's limit
    }

    [Fact]
    public async Task Loop_MailCarryingOurMarker_IsIgnored()
    {
        var raw = await ReplyAsync(_lea, "Thank you for your message", Pass, headers: ("X-Loop", "notifications@clp.test"));

        var mail = await ThreadAsync(raw);

        Assert.Equal((InboundStatus.Ignored, RejectReasons.Loop), (mail.Status, mail.Reason));
        Assert.Empty(await TextsAsync());
    }

    [Fact]
    public async Task Flood_OverThePerSenderLimit_IsHeldAndStaffToldOnce()
    {
        var statuses = new List<InboundStatus>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await ThreadAsync(await ReplyAsync(_lea, $"Ticket #{i} received, thank you", Pass))).Status);
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted, InboundStatus.Posted, InboundStatus.Rejected, InboundStatus.Rejected], statuses);
        Assert.All(await _world.QueryAsync(db => db.InboundMails.Where(m => m.Status == InboundStatus.Rejected).Select(m => m.Reason).ToListAsync()),
            r => Assert.Equal(RejectReasons.RateLimited, r));
        Assert.Equal(0, await RejectionsAsync());
        var notices = await _world.QueryAsync(db => db.OutboundMails.Where(m => m.Purpose == "staff-notice").Select(m => m.ToAddress).ToListAsync());
        Assert.Equal([_admin.Emails[0].Address], notices);

        // An hour later the sender may post again.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(InboundStatus.Posted, (await ThreadAsync(await ReplyAsync(_lea, "Back to normal", Pass))).Status);
    }

    [Fact]
    public async Task Duplicate_SameTextAsTheSendersRecentPost_IsHeld()
    {
        await ThreadAsync(await ReplyAsync(_lea, "Your ticket was received.", Pass));

        var again = await ThreadAsync(await ReplyAsync(_lea, "Your ticket was received.", Pass));

        Assert.Equal(RejectReasons.DuplicatePost, again.Reason);
        Assert.Single(await TextsAsync());
    }

    [Fact]
    public async Task Token_NotCarriedByANotificationForItsLifetime_HasExpired()
    {
        var token = await TokenAsync(_lea);
        _time.Advance(TimeSpan.FromDays(181));

        var mail = await ThreadAsync(Reply(_lea.Emails[0].Address, token, "Too late", Pass));

        Assert.Equal(RejectReasons.ExpiredToken, mail.Reason);
        Assert.Contains("180 days", mail.ReasonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_RenewedByANotification_LivesOn()
    {
        var token = await TokenAsync(_lea);
        _time.Advance(TimeSpan.FromDays(120));
        await TokenAsync(_lea); // a notification carries it again
        _time.Advance(TimeSpan.FromDays(120));

        Assert.Equal(InboundStatus.Posted, (await ThreadAsync(Reply(_lea.Emails[0].Address, token, "Still works", Pass))).Status);
    }

    [Fact]
    public async Task Bounce_OnlyOneReturnedToTheMailsOwnReturnPathNamingItsRecipient_Counts()
    {
        var address = _lea.Emails[0].Address;
        var path = await NotificationReturnPathAsync(address);
        var forgedPath = path[..^12] + "aaaa" + path[^8..];

        await ThreadAsync(Bounces.Dsn("reply@clp.test", address)); // to the plain gateway address
        await ThreadAsync(Bounces.Dsn(path, _colleague.Emails[0].Address)); // names someone else
        await ThreadAsync(Bounces.Dsn(forgedPath, address)); // a return path we did not make
        Assert.Null(await _world.QueryAsync(db => db.AddressHealth.SingleOrDefaultAsync(a => a.Address == address)));

        await ThreadAsync(Bounces.Dsn(path, address));
        await ThreadAsync(Bounces.Dsn(path, address));

        var health = await _world.QueryAsync(db => db.AddressHealth.SingleAsync(a => a.Address == address));
        Assert.Equal(2, health.PermanentBounces);
        Assert.NotNull(health.SuppressedAtUtc);
    }

    [Fact]
    public async Task Mention_OfAnotherVendorsUser_NamesNobody()
    {
        var other = await _world.UserAsync(UserRole.Vendor, await _world.VendorAsync(_title, "fr"), ["fr"]);

        var result = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(_lea.Id, _vendorFr.Id, $"@{other.Handle} please look", [], MessageOrigin.Web), CancellationToken.None));

        Assert.True(result.Succeeded);
        Assert.Equal([$"@{other.Handle}"], result.UnknownMentions);
        Assert.Empty(result.MentionsWithoutAccess);
        Assert.DoesNotContain(result.MentionWarnings(), w => w.Contains(other.Name, StringComparison.Ordinal));
    }

    private Task<string> TokenAsync(User user) =>
        _database.WithAsync(async s =>
        {
            var tokens = await s.GetRequiredService<ReplyTokenService>().IssueManyAsync(_vendorFr.Id, [user.Id], CancellationToken.None);
            await s.GetRequiredService<ClpMailGateway.Storage.GatewayDbContext>().SaveChangesAsync();
            return tokens[user.Id];
        });

    private async Task<byte[]> ReplyAsync(User user, string text, string? results = null, string? extraFrom = null, params (string Name, string Value)[] headers) =>
        Reply(user.Emails[0].Address, await TokenAsync(user), text, results, extraFrom, headers);

    private static async Task<byte[]> ReplyAsync(TestDatabase database, User user, Channel channel, string text, string results)
    {
        var token = await database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(user.Id, channel.Id, CancellationToken.None));
        return Reply(user.Emails[0].Address, token, text, results);
    }

    private static byte[] Reply(string from, string? token, string text, string? results = null, string? extraFrom = null, params (string Name, string Value)[] headers)
    {
        var message = new MimeMessage();
        if (results is not null)
        {
            message.Headers.Add("Authentication-Results", results);
        }

        message.From.Add(MailboxAddress.Parse(from));
        if (extraFrom is not null)
        {
            message.From.Add(MailboxAddress.Parse(extraFrom));
        }

        message.To.Add(MailboxAddress.Parse(token is null ? "reply@clp.test" : $"reply+{token}@clp.test"));
        message.Subject = "Re: [Title] Vendor";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, value);
        }

        message.Body = new TextPart("plain") { Text = text + "\n" };
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return buffer.ToArray();
    }


    /// <summary>The return path of a notification mailed to <paramref name="address"/> (a PM posts, the fan-out queues it).</summary>
    private async Task<string> NotificationReturnPathAsync(string address)
    {
        await _world.SaveAsync(db => db.Follows.Add(new Follow { UserId = _lea.Id, TitleId = _title.Id }));
        var posted = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(_admin.Id, _vendorFr.Id, "Timeline", [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(posted.Succeeded);
        await _database.FanOutAsync();
        return await _world.QueryAsync(db => db.OutboundMails.Where(m => m.ToAddress == address).Select(m => m.EnvelopeFrom).SingleAsync());
    }

    private Task<InboundMail> ThreadAsync(byte[] raw) => ThreadAsync(_database, raw, ++_uid);

    private static Task<InboundMail> ThreadAsync(TestDatabase database, byte[] raw) => ThreadAsync(database, raw, 1);

    private static async Task<InboundMail> ThreadAsync(TestDatabase database, byte[] raw, long uid)
    {
        var stored = await database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(uid, raw)], CancellationToken.None));
        await database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored.Select(r => r.Mail).ToList(), CancellationToken.None));
        return await new World(database).QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Mail.Id));
    }

    private Task<List<string>> TextsAsync() =>
        _world.QueryAsync(db => db.Messages.AsNoTracking().Where(m => m.ChannelId == _vendorFr.Id && m.Origin == MessageOrigin.Email).OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());

    private Task<int> RejectionsAsync() => _world.QueryAsync(db => db.OutboundMails.CountAsync(m => m.Purpose == OutboundPurposes.Rejection));

    private Task<List<string>> RejectionAddressesAsync() =>
        _world.QueryAsync(db => db.OutboundMails.Where(m => m.Purpose == OutboundPurposes.Rejection).Select(m => m.ToAddress).ToListAsync());
}
