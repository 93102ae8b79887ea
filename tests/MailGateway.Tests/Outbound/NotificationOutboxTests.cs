using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>Posting writes the notifications and digest items with the message; digests and unsubscribe on real SQLite.</summary>
public sealed class NotificationOutboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User _cpcDigest = null!;
    private User _fr = null!;
    private User _de = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(_time);
        _world = new World(_database);
        _title = await _world.TitleAsync("fr", "de");
        var lumen = await _world.VendorAsync(_title, "fr", "de");
        _pm = await _world.UserAsync(UserRole.Pm);
        _cpcDigest = await _world.UserAsync(UserRole.Cpc);
        _fr = await _world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _de = await _world.UserAsync(UserRole.Vendor, lumen, ["de"]);
        await _world.SaveAsync(db =>
        {
            db.Follows.AddRange(new[] { _pm, _cpcDigest, _fr, _de }.Select(u => new Follow { UserId = u.Id, TitleId = _title.Id }));
            db.UserSettings.Attach(_cpcDigest.Settings!);
            _cpcDigest.Settings!.VendorDelivery = DeliveryMode.Digest;
        });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Post_VendorFr_QueuesOneMailPerImmediateRecipientAndDigestItems()
    {
        var result = await PostAsync(_pm, "vendor-fr", "Reel 2 timeline, please");

        var outbox = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().OrderBy(m => m.ToAddress).ToListAsync());
        Assert.Equal([Address(_fr)], outbox.Select(m => m.ToAddress));
        Assert.All(outbox, m => Assert.Equal(OutboundPurposes.Notification, m.Purpose));
        var items = await _world.QueryAsync(db => db.DigestItems.AsNoTracking().ToListAsync());
        var item = Assert.Single(items);
        Assert.Equal((_cpcDigest.Id, result.Message!.Id), (item.UserId, item.MessageId));

        var mail = await MimeMessage.LoadAsync(new MemoryStream(outbox[0].Raw));
        var token = mail.ReplyTo.Mailboxes.Single().Address["reply+".Length..^"@clp.test".Length];
        var verification = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().VerifyAsync(token, CancellationToken.None));
        Assert.Equal((_fr.Id, World.Channel(_title, "vendor-fr").Id), (verification.UserId, verification.ChannelId));
        Assert.Equal($"m{result.Message.Id}.u{_fr.Id}@clp.test", mail.MessageId);
    }

    [Fact]
    public async Task Post_Twice_ReusesReplyTokensInOneBatch()
    {
        await PostAsync(_pm, "broadcast", "first");
        await PostAsync(_pm, "broadcast", "second");

        var tokens = await _world.QueryAsync(db => db.ReplyTokens.AsNoTracking().ToListAsync());
        Assert.Equal([_cpcDigest.Id, _fr.Id, _de.Id], tokens.Select(t => t.UserId).Order());
        Assert.Equal(6, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task IssueMany_SomeExisting_ReturnsSameTokensAsIssue()
    {
        var channel = World.Channel(_title, "broadcast");
        var single = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, channel.Id, CancellationToken.None));

        var many = await _database.WithAsync(async s =>
        {
            var issued = await s.GetRequiredService<ReplyTokenService>().IssueManyAsync(channel.Id, [_fr.Id, _de.Id], CancellationToken.None);
            await s.GetRequiredService<ClpMailGateway.Storage.GatewayDbContext>().SaveChangesAsync(); // the caller saves the new ones
            return issued;
        });

        Assert.Equal(single, many[_fr.Id]);
        Assert.NotEqual(single, many[_de.Id]);
        Assert.Equal(2, await _world.CountAsync<ReplyToken>());
    }

    [Fact]
    public async Task Post_SuppressedAddress_GetsNothing()
    {
        await _world.SaveAsync(db => db.AddressHealth.Add(new AddressHealth { Address = Address(_fr), SuppressedAtUtc = DateTime.UtcNow }));

        await PostAsync(_pm, "vendor-fr", "hello");

        Assert.Equal(0, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task SendDigests_PendingItems_QueuesOneDigestPerUserAndMarksItems()
    {
        var first = await PostAsync(_pm, "vendor-fr", "one");
        var second = await PostAsync(_pm, "vendor-de", "two");

        var queued = await _database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None));

        Assert.Equal(1, queued);
        var digest = await _world.QueryAsync(db => db.Digests.AsNoTracking().SingleAsync());
        Assert.Equal(_cpcDigest.Id, digest.UserId);
        Assert.Equal(2, digest.MessageCount);
        Assert.Equal(new[] { World.Channel(_title, "vendor-de").Id, World.Channel(_title, "vendor-fr").Id }.Order(), digest.ChannelIdList().Order());
        var mail = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().SingleAsync(m => m.Purpose == OutboundPurposes.Digest));
        var parsed = await MimeMessage.LoadAsync(new MemoryStream(mail.Raw));
        Assert.Equal($"digest-{digest.Id}@clp.test", parsed.MessageId);
        Assert.Contains("one", parsed.TextBody, StringComparison.Ordinal);
        Assert.Contains("two", parsed.TextBody, StringComparison.Ordinal);
        Assert.All(await _world.QueryAsync(db => db.DigestItems.AsNoTracking().ToListAsync()), i => Assert.Equal(digest.Id, i.DigestId));
        Assert.Equal(0, await _database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None)));
        _ = (first, second);
    }

    [Fact]
    public async Task SendDigests_UserTurnedKindOff_DropsItemsAndSendsNothing()
    {
        await PostAsync(_pm, "vendor-fr", "one");
        await _world.SaveAsync(db =>
        {
            db.UserSettings.Attach(_cpcDigest.Settings!);
            _cpcDigest.Settings!.VendorDelivery = DeliveryMode.Off;
        });

        var queued = await _database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None));

        Assert.Equal(0, queued);
        Assert.Equal(0, await _world.CountAsync<DigestItem>());
        Assert.Equal(0, await _world.CountAsync<Digest>());
    }

    [Fact]
    public async Task Unsubscribe_ValidToken_TurnsThatKindOffOnce()
    {
        var options = await _database.WithAsync(s => Task.FromResult(s.GetRequiredService<IOptions<ReplyTokenOptions>>().Value));
        var token = UnsubscribeTokenCodec.Encode(options, _fr.Id, ChannelKind.Broadcast);

        var first = await _database.WithAsync(s => s.GetRequiredService<UnsubscribeService>().ApplyAsync(token, CancellationToken.None));
        var second = await _database.WithAsync(s => s.GetRequiredService<UnsubscribeService>().ApplyAsync(token, CancellationToken.None));

        Assert.Equal(new UnsubscribeResult(UnsubscribeOutcome.TurnedOff, _fr.Id, ChannelKind.Broadcast), first);
        Assert.Equal(UnsubscribeOutcome.AlreadyOff, second.Outcome);
        var settings = await _world.QueryAsync(db => db.UserSettings.AsNoTracking().SingleAsync(s => s.UserId == _fr.Id));
        Assert.Equal((DeliveryMode.Off, DeliveryMode.Immediate), (settings.BroadcastDelivery, settings.VendorDelivery));
        await PostAsync(_pm, "broadcast", "after unsubscribe");
        Assert.DoesNotContain(Address(_fr), await _world.QueryAsync(db => db.OutboundMails.Select(m => m.ToAddress).ToListAsync()));
    }

    [Fact]
    public async Task Unsubscribe_ForgedToken_ChangesNothing()
    {
        var result = await _database.WithAsync(s => s.GetRequiredService<UnsubscribeService>().ApplyAsync("t1_aaaaaaaaaaaaaaaaaaaaaaaa", CancellationToken.None));

        Assert.Equal(UnsubscribeOutcome.InvalidToken, result.Outcome);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData(1_000_000, true)]
    [InlineData(150_000, false)]
    public async Task Post_FileCopiesOverBudget_MailsCarryLinksOnly(long budget, bool attached)
    {
        await using var database = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["Notifications:AttachedCopiesBudgetBytes"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var world = new World(database);
        var title = await world.TitleAsync("fr");
        var vendor = await world.VendorAsync(title, "fr");
        var pm = await world.UserAsync(UserRole.Pm);
        var followers = new[] { await world.UserAsync(UserRole.Vendor, vendor, ["fr"]), await world.UserAsync(UserRole.Vendor, vendor, ["fr"]), await world.UserAsync(UserRole.Cpc) };
        await world.SaveAsync(db => db.Follows.AddRange(followers.Select(u => new Follow { UserId = u.Id, TitleId = title.Id })));

        var result = await database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(pm.Id, World.Channel(title, "broadcast").Id, "the cut notes", [new NewAttachment("notes.pdf", "application/pdf", new MemoryStream(new byte[100_000]))], MessageOrigin.Web),
            CancellationToken.None));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await database.FanOutAsync());
        var outbox = await world.QueryAsync(db => db.OutboundMails.AsNoTracking().ToListAsync());
        Assert.Equal(3, outbox.Count);
        foreach (var row in outbox)
        {
            var mail = await MimeMessage.LoadAsync(new MemoryStream(row.Raw));
            Assert.Equal(attached, mail.Attachments.Any(a => a.ContentDisposition?.FileName == "notes.pdf"));
            Assert.Contains("notes.pdf", mail.TextBody, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(100_000)] // kept in memory when posted
    [InlineData(MessagePoster.StreamedBytes + 1000)] // written into its row without being held
    public async Task Post_FileBelowTheAttachLimit_IsQueuedByReferenceAndFilledInFromItsRow(int size)
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        var title = await world.TitleAsync("fr");
        var pm = await world.UserAsync(UserRole.Pm);
        var follower = await world.UserAsync(UserRole.Cpc);
        await world.SaveAsync(db => db.Follows.Add(new Follow { UserId = follower.Id, TitleId = title.Id }));
        var file = System.Security.Cryptography.RandomNumberGenerator.GetBytes(size);

        var result = await database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(pm.Id, World.Channel(title, "broadcast").Id, "the cut notes", [new NewAttachment("notes.pdf", "application/pdf", new MemoryStream(file))], MessageOrigin.Web),
            CancellationToken.None));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await database.FanOutAsync());
        var row = await world.QueryAsync(db => db.OutboundMails.AsNoTracking().SingleAsync());
        Assert.True(row.Raw.Length < 20_000, $"the queued notification holds {row.Raw.Length} bytes");
        var mail = await MimeMessage.LoadAsync(new MemoryStream(row.Raw));
        var reference = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        Assert.Equal("notes.pdf", reference.FileName);
        Assert.Equal(result.Message!.Attachments[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), reference.Headers[AttachedFiles.Header]);

        await using (var files = new AttachedFiles(database.ConnectionString))
        {
            await files.FillAsync(mail, CancellationToken.None);
        }

        var attached = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        Assert.False(attached.Headers.Contains(AttachedFiles.Header));
        Assert.Equal(ContentEncoding.Base64, attached.ContentTransferEncoding);
        Assert.Equal("application/pdf", attached.ContentType.MimeType);
        using var decoded = new MemoryStream();
        await attached.Content!.DecodeToAsync(decoded);
        Assert.Equal(file, decoded.ToArray());
        // As sent: written out and parsed again, the file is the same.
        using var written = new MemoryStream();
        await mail.WriteToAsync(written);
        written.Position = 0;
        var sent = Assert.IsType<MimePart>(Assert.Single((await MimeMessage.LoadAsync(written)).Attachments));
        using var again = new MemoryStream();
        await sent.Content!.DecodeToAsync(again);
        Assert.Equal(file, again.ToArray());
    }

    [Fact]
    public async Task AttachedFiles_ReferenceToAMissingRow_IsAClearError()
    {
        await using var database = await TestDatabase.CreateAsync();
        var mail = new MimeMessage();
        var part = new MimePart("application", "pdf") { FileName = "gone.pdf" };
        AttachedFiles.MarkReference(part, 424242);
        mail.Body = new Multipart("mixed") { new TextPart("plain") { Text = "hello" }, part };

        await using var files = new AttachedFiles(database.ConnectionString);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => files.FillAsync(mail, CancellationToken.None));

        Assert.Contains("424242", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachedFiles_SameFileForManyMails_IsReadOnceAndSharedByAll()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        var title = await world.TitleAsync("fr");
        var pm = await world.UserAsync(UserRole.Pm);
        var followers = new[] { await world.UserAsync(UserRole.Cpc), await world.UserAsync(UserRole.Cpc), await world.UserAsync(UserRole.Cpc) };
        await world.SaveAsync(db => db.Follows.AddRange(followers.Select(u => new Follow { UserId = u.Id, TitleId = title.Id })));
        var file = System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000);
        var result = await database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(pm.Id, World.Channel(title, "internal").Id, "cue sheet", [new NewAttachment("cues.xlsx", "application/octet-stream", new MemoryStream(file))], MessageOrigin.Web),
            CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await database.FanOutAsync());
        var rows = await world.QueryAsync(db => db.OutboundMails.AsNoTracking().ToListAsync());
        Assert.Equal(3, rows.Count);

        await using var files = new AttachedFiles(database.ConnectionString);
        var filled = new List<MimePart>();
        foreach (var row in rows)
        {
            var mail = await MimeMessage.LoadAsync(new MemoryStream(row.Raw));
            await files.FillAsync(mail, CancellationToken.None);
            filled.Add(Assert.IsType<MimePart>(Assert.Single(mail.Attachments)));
        }

        // The file's row is gone now: the mails still filled in used the one encoding read before.
        await world.SaveAsync(db => db.Attachments.RemoveRange(db.Attachments));
        var late = await MimeMessage.LoadAsync(new MemoryStream(rows[0].Raw));
        await files.FillAsync(late, CancellationToken.None);
        filled.Add(Assert.IsType<MimePart>(Assert.Single(late.Attachments)));
        foreach (var part in filled)
        {
            using var decoded = new MemoryStream();
            await part.Content!.DecodeToAsync(decoded);
            Assert.Equal(file, decoded.ToArray());
        }
    }

    private static string Address(User user) => user.Emails[0].Address;

    private async Task<PostResult> PostAsync(User author, string channelKey, string text)
    {
        var result = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, channelKey).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await _database.FanOutAsync());
        return result;
    }
}
