using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>Posts through <see cref="MessagePoster"/>, sends the outbox through the real Postfix, reads what Dovecot
/// delivered. Every user is fresh (<c>u…@clp.test</c>), so a mailbox holds only this test's mail.</summary>
[Collection(MailServersGroup.Name)]
public sealed class NotificationDeliveryTests(MailServersFixture servers) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private GatewayHarness _gateway = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User _cpcInternalOff = null!;
    private User _pmNotFollowing = null!;
    private User _fr1 = null!;
    private User _fr2 = null!;
    private User _de = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers);
        var world = _gateway.World;
        _title = await world.TitleAsync("fr", "de");
        var lumen = await world.VendorAsync(_title, "fr");
        var kaiju = await world.VendorAsync(_title, "de");
        _pm = await world.UserAsync(UserRole.Pm);
        _cpcInternalOff = await world.UserAsync(UserRole.Cpc, internalOn: false);
        _pmNotFollowing = await world.UserAsync(UserRole.Pm);
        _fr1 = await world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _fr2 = await world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _de = await world.UserAsync(UserRole.Vendor, kaiju, ["de"]);
        await FollowAsync(_pm, _cpcInternalOff, _fr1, _fr2, _de);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task PostVendorFr_Sent_ReachesFrLinguistsAndInternalFollowersOnly()
    {
        var (_, tag) = await PostAsync(_fr1, "vendor-fr", "Timeline of reel 2 fixed");

        Assert.Equal(3, await _gateway.SendOutboxAsync());

        await AssertReceivedAsync(tag, _pm, _cpcInternalOff, _fr2);
        await AssertNothingAsync(_fr1, _de, _pmNotFollowing);
    }

    [Fact]
    public async Task PostBroadcast_Sent_ReachesEveryVendorUser()
    {
        var (_, tag) = await PostAsync(_pm, "broadcast", "Locked cut is ready");

        await _gateway.SendOutboxAsync();

        await AssertReceivedAsync(tag, _fr1, _fr2, _de, _cpcInternalOff);
        await AssertNothingAsync(_pm, _pmNotFollowing);
    }

    [Fact]
    public async Task PostInternal_Sent_ReachesOnlyOptedInInternalFollowers()
    {
        var other = await _gateway.World.UserAsync(UserRole.Cpc);
        await FollowAsync(other);

        var (_, tag) = await PostAsync(_pm, "internal", "Escalation about the dub");
        await _gateway.SendOutboxAsync();

        await AssertReceivedAsync(tag, other);
        await AssertNothingAsync(_cpcInternalOff, _fr1, _fr2, _de, _pmNotFollowing);
    }

    [Fact]
    public async Task PostMentioningNonFollower_Sent_ReachesThemAsMention()
    {
        var (_, tag) = await PostAsync(_fr1, "vendor-fr", $"Can you check this @{_pmNotFollowing.Handle}?");

        await _gateway.SendOutboxAsync();

        var mail = await servers.WaitForMessageAsync(Address(_pmNotFollowing), tag, Wait);
        Assert.Equal("mention", mail.Headers["X-CLP-Reason"]);
        var follower = await servers.WaitForMessageAsync(Address(_pm), tag, Wait);
        Assert.Equal("follower", follower.Headers["X-CLP-Reason"]);
    }

    [Fact]
    public async Task PostWithFiles_Sent_EachRecipientGetsTheFilesFilledInFromTheirRows()
    {
        // Queued by reference (the outbox holds each file once, in its attachment row) and filled in when sent: a small
        // file kept in memory when posted, and one of 1.2 MB written into its row without being held.
        var small = System.Text.Encoding.UTF8.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nBonjour\n");
        var large = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1_200_000);
        var tag = "n" + Guid.NewGuid().ToString("N")[..10];
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(
                _pm.Id,
                World.Channel(_title, "vendor-fr").Id,
                $"{tag} reel 3 files",
                [new NewAttachment("reel3.fr.srt", "text/plain", new MemoryStream(small)), new NewAttachment("reel3.mov", "video/quicktime", new MemoryStream(large))],
                MessageOrigin.Web),
            CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        var queued = await _gateway.World.QueryAsync(db => db.OutboundMails.AsNoTracking().Where(m => m.Purpose == OutboundPurposes.Notification).ToListAsync());
        Assert.All(queued, m => Assert.True(m.Raw.Length < 100_000, $"a queued notification holds {m.Raw.Length} bytes"));

        await _gateway.SendOutboxAsync();

        foreach (var user in new[] { _fr1, _fr2, _cpcInternalOff })
        {
            var mail = await servers.WaitForMessageAsync(Address(user), tag, Wait);
            var files = mail.Attachments.OfType<MimePart>().ToDictionary(a => a.FileName ?? string.Empty, Decode);
            Assert.Equal(small, files["reel3.fr.srt"]);
            Assert.Equal(large, files["reel3.mov"]);
            Assert.DoesNotContain(mail.BodyParts, p => p.Headers.Contains(AttachedFiles.Header));
        }

        static byte[] Decode(MimePart part)
        {
            using var decoded = new MemoryStream();
            part.Content!.DecodeTo(decoded);
            return decoded.ToArray();
        }
    }

    [Fact]
    public async Task ReplyToDeliveredNotification_Polled_ThreadsIntoTheChannel()
    {
        var (message, tag) = await PostAsync(_pm, "vendor-fr", "Please confirm the subtitles");
        await _gateway.SendOutboxAsync();
        var notification = await servers.WaitForMessageAsync(Address(_fr1), tag, Wait);

        var reply = Reply(notification, _fr1, to: notification.ReplyTo.Mailboxes.Single().Address, "Confirmed, all good.");
        await _gateway.SendAsync(reply);
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();

        var messages = await _gateway.MessagesAsync(World.Channel(_title, "vendor-fr"));
        var posted = Assert.Single(messages, m => m.Id != message.Id);
        Assert.Equal(_fr1.Id, posted.AuthorId);
        Assert.Equal("Confirmed, all good.", posted.Text);
        // The channel's first notification to her starts her thread of it.
        Assert.Equal($"c{message.ChannelId}.u{_fr1.Id}@clp.test", notification.MessageId);
        Assert.Equal("auto-generated", notification.Headers["Auto-Submitted"]);
        Assert.Equal("List-Unsubscribe=One-Click", notification.Headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task ReplyWithoutReplyTo_Polled_FindsTheChannelThroughReferences()
    {
        var (message, tag) = await PostAsync(_pm, "vendor-fr", "Second question");
        await _gateway.SendOutboxAsync();
        var notification = await servers.WaitForMessageAsync(Address(_fr2), tag, Wait);

        await _gateway.SendAsync(Reply(notification, _fr2, to: _gateway.GatewayAddress, "Answer via references."));
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();

        var messages = await _gateway.MessagesAsync(World.Channel(_title, "vendor-fr"));
        Assert.Contains(messages, m => m.Id != message.Id && m.AuthorId == _fr2.Id && m.Text == "Answer via references.");
    }

    [Fact]
    public async Task RecipientRefusedWith550_Sent_IsFailedSuppressedAndSkippedNextTime()
    {
        var bouncing = await _gateway.World.UserAsync(UserRole.Pm);
        var address = $"unknown-{Guid.NewGuid():N}@clp.test";
        await _gateway.World.SaveAsync(db => db.UserEmails.Where(e => e.UserId == bouncing.Id)
            .ExecuteUpdate(s => s.SetProperty(e => e.Address, address)));
        await FollowAsync(bouncing);

        var (_, tag) = await PostAsync(_pm, "broadcast", "Everyone, the IMF is ready");
        await _gateway.SendOutboxAsync();

        var outbox = await _gateway.OutboxAsync();
        var failed = Assert.Single(outbox, m => m.ToAddress == address);
        Assert.Equal(OutboundStatus.Failed, failed.Status);
        Assert.StartsWith("550", failed.LastError, StringComparison.Ordinal);
        Assert.All(outbox.Where(m => m.ToAddress != address), m => Assert.Equal(OutboundStatus.Sent, m.Status));
        var health = await _gateway.World.QueryAsync(db => db.AddressHealth.AsNoTracking().SingleAsync(a => a.Address == address));
        Assert.NotNull(health.SuppressedAtUtc);
        await AssertReceivedAsync(tag, _fr1);

        await PostAsync(_pm, "broadcast", "Second broadcast");
        Assert.Single(await _gateway.OutboxAsync(), m => m.ToAddress == address);
    }

    [Fact]
    public async Task ReplyToDigest_Polled_IsRefusedWithLinksToItsChannels()
    {
        await _gateway.World.SaveAsync(db => db.UserSettings.Where(s => s.UserId == _fr1.Id)
            .ExecuteUpdate(s => s.SetProperty(x => x.BroadcastDelivery, DeliveryMode.Digest)));
        await PostAsync(_pm, "broadcast", "Digest me");
        await _gateway.Database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None));
        await _gateway.SendOutboxAsync();
        var digest = await servers.WaitForMessageAsync(Address(_fr1), "[CLP digest]", Wait);

        await _gateway.SendAsync(Reply(digest, _fr1, to: digest.ReplyTo.Mailboxes.Single().Address, "Thanks!"));
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(("digest_reply", InboundStatus.Rejected), (inbound.Reason, inbound.Status));
        Assert.Contains($"/titles/{_title.Slug}/broadcast", inbound.ReasonDetail, StringComparison.Ordinal);
        Assert.Contains(await _gateway.OutboxAsync(), m => m.Purpose == OutboundPurposes.Rejection && m.ToAddress == Address(_fr1));
    }

    [Fact]
    public async Task MuteChannel_ThenUnmute_NextNotificationStopsThenComesAgainThroughPostfix()
    {
        var vendorFr = World.Channel(_title, "vendor-fr").Id;
        await _gateway.Database.WithAsync(s => ClpMailGateway.Following.FollowChoices.SetChannelAsync(
            s.GetRequiredService<GatewayDbContext>(), _fr1.Id, vendorFr, ClpMailGateway.Following.FollowChoice.Mute, DateTime.UtcNow, CancellationToken.None));

        var (_, muted) = await PostAsync(_pm, "vendor-fr", "While muted");
        await _gateway.SendOutboxAsync();
        await servers.WaitForMessageAsync(Address(_fr2), muted, Wait);
        Assert.Equal(0, await servers.CountAsync(Address(_fr1), "INBOX"));

        await _gateway.Database.WithAsync(s => ClpMailGateway.Following.FollowChoices.SetChannelAsync(
            s.GetRequiredService<GatewayDbContext>(), _fr1.Id, vendorFr, ClpMailGateway.Following.FollowChoice.Unmute, DateTime.UtcNow, CancellationToken.None));
        var (_, back) = await PostAsync(_pm, "vendor-fr", "Back on");
        await _gateway.SendOutboxAsync();

        await servers.WaitForMessageAsync(Address(_fr1), back, Wait);
        Assert.Equal(1, await servers.CountAsync(Address(_fr1), "INBOX"));
    }

    [Fact]
    public async Task Post_MarkdownAndReadersZone_DeliveredHtmlInertTimesLocalDateUtc()
    {
        await _gateway.World.SaveAsync(db => db.UserSettings.Where(u => u.UserId == _fr2.Id).ToList().ForEach(u => u.TimeZone = "Asia/Tokyo"));

        var (message, tag) = await PostAsync(_pm, "vendor-fr", "See **the spec**: [spec](https://example.com/spec) <script>alert(1)</script> [x](javascript:alert(1)) ![p](https://tracker.example/p.gif)");
        await _gateway.SendOutboxAsync();

        var mail = await servers.WaitForMessageAsync(Address(_fr2), tag, Wait);
        var html = mail.HtmlBody!;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<strong>the spec</strong>", html, StringComparison.Ordinal);
        Assert.All(ActiveContent.Links(html), l => Assert.True(l.Href.StartsWith("http://", StringComparison.Ordinal) || l.Href.StartsWith("https://", StringComparison.Ordinal), l.Href));
        Assert.DoesNotContain(ActiveContent.Links(html), l => l.Href.Contains("tracker", StringComparison.Ordinal) && l.Text != "p");
        Assert.Contains(ActiveContent.Links(html), l => l == ("https://example.com/spec", ClpMailGateway.Rendering.MessageMarkdown.LinkRel, "spec"));
        var local = ClpMailGateway.Rendering.ReaderTime.Format(message.CreatedAtUtc, "Asia/Tokyo");
        Assert.EndsWith("UTC+09:00", local, StringComparison.Ordinal);
        Assert.Contains(local, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(local, System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("[x](javascript:alert(1))", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, mail.Date.Offset);
    }

    private static string Address(User user) => user.Emails[0].Address;

    private static MimeMessage Reply(MimeMessage original, User from, string to, string text)
    {
        var reply = new MimeMessage();
        reply.From.Add(new MailboxAddress(from.Name, Address(from)));
        reply.To.Add(MailboxAddress.Parse(to));
        reply.Subject = "Re: " + original.Subject;
        reply.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        reply.InReplyTo = original.MessageId;
        foreach (var reference in original.References)
        {
            reply.References.Add(reference);
        }

        reply.References.Add(original.MessageId!);
        reply.Date = DateTimeOffset.UtcNow;
        reply.Body = new TextPart("plain")
        {
            Text = $"{text}\n\nOn {original.Date:ddd, d MMM yyyy} at {original.Date:HH:mm}, {original.From} wrote:\n> {original.TextBody?.Split('\n')[0]}\n",
        };
        return reply;
    }

    private async Task FollowAsync(params User[] users) =>
        await _gateway.World.SaveAsync(db => db.Follows.AddRange(users.Select(u => new Follow { UserId = u.Id, TitleId = _title.Id })));

    private async Task<(Message Message, string Tag)> PostAsync(User author, string channelKey, string text)
    {
        var tag = "n" + Guid.NewGuid().ToString("N")[..10];
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, channelKey).Id, $"{tag} {text}", [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await _gateway.Database.FanOutAsync());
        return (result.Message!, tag);
    }

    private async Task AssertReceivedAsync(string tag, params User[] users)
    {
        foreach (var user in users)
        {
            var mail = await servers.WaitForMessageAsync(Address(user), tag, Wait);
            Assert.Contains(tag, mail.TextBody, StringComparison.Ordinal);
            Assert.StartsWith($"[{_title.Name}] ", mail.Subject, StringComparison.Ordinal);
            Assert.Equal(1, await servers.CountAsync(Address(user), "INBOX"));
        }
    }

    private async Task AssertNothingAsync(params User[] users)
    {
        foreach (var user in users)
        {
            Assert.Equal(0, await servers.CountAsync(Address(user), "INBOX"));
        }
    }
}
