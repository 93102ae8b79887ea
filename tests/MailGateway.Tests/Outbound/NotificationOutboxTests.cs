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
        Assert.Equal($"c{World.Channel(_title, "vendor-fr").Id}.u{_fr.Id}@clp.test", mail.MessageId);
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
    public async Task Unsubscribe_NotificationLink_MutesThatChannelOfThatTitleOnlyAndUndoes()
    {
        await PostAsync(_pm, "broadcast", "first broadcast");
        var link = await UnsubscribeTokenOfAsync(Address(_fr));

        var first = await UnsubscribeAsync(s => s.ApplyAsync(link, CancellationToken.None));
        var second = await UnsubscribeAsync(s => s.ApplyAsync(link, CancellationToken.None));

        Assert.Equal((UnsubscribeOutcome.Changed, UnsubscribeTarget.ForChannel(_fr.Id, World.Channel(_title, "broadcast").Id)), (first.Outcome, first.Target));
        Assert.Equal($"{_title.Name} · Broadcast", first.Description);
        Assert.Equal(UnsubscribeOutcome.Unchanged, second.Outcome);
        // The kind stays on: other titles' Broadcast channels, and this title's other channels, still mail.
        var settings = await _world.QueryAsync(db => db.UserSettings.AsNoTracking().SingleAsync(s => s.UserId == _fr.Id));
        Assert.Equal(DeliveryMode.Immediate, settings.BroadcastDelivery);
        Assert.Empty(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "broadcast", "muted broadcast")));
        // A mention still reaches a user who muted the channel (mentions are on).
        var mention = Assert.Single(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "broadcast", "muted broadcast, @" + _fr.Handle)));
        Assert.Equal("mention", mention.Headers["X-CLP-Reason"]);
        Assert.Single(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "vendor-fr", "still mailed")));
        var other = await _world.TitleAsync("fr");
        await _world.SaveAsync(db =>
        {
            db.Follows.Add(new Follow { UserId = _fr.Id, TitleId = other.Id });
            db.VendorAssignments.Add(new VendorAssignment { VendorId = _fr.VendorId!.Value, TitleId = other.Id, Language = "fr" });
        });
        Assert.Single(await MailsToAfterAsync(Address(_fr), () => PostInAsync(other, _pm, "broadcast", "another title's broadcast")));

        var undone = await UnsubscribeAsync(s => s.UndoAsync(link, CancellationToken.None));

        Assert.Equal(UnsubscribeOutcome.Changed, undone.Outcome);
        Assert.Single(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "broadcast", "back on")));
    }

    [Fact]
    public async Task Unsubscribe_WiderChoices_TitleKindAndAll()
    {
        var options = await TokenOptionsAsync();

        await UnsubscribeAsync(s => s.ApplyAsync(UnsubscribeTokenCodec.Encode(options, UnsubscribeTarget.ForTitle(_fr.Id, _title.Id)), CancellationToken.None));
        Assert.Empty(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "vendor-fr", "title muted")));
        await UnsubscribeAsync(s => s.UndoAsync(UnsubscribeTokenCodec.Encode(options, UnsubscribeTarget.ForTitle(_fr.Id, _title.Id)), CancellationToken.None));

        await UnsubscribeAsync(s => s.ApplyAsync(UnsubscribeTokenCodec.Encode(options, UnsubscribeTarget.ForKind(_fr.Id, ChannelKind.Vendor)), CancellationToken.None));
        Assert.Equal(DeliveryMode.Off, await _world.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _fr.Id).Select(s => s.VendorDelivery).SingleAsync()));
        Assert.Single(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "broadcast", "kind off is Vendor only")));

        var all = await UnsubscribeAsync(s => s.ApplyAsync(UnsubscribeTokenCodec.Encode(options, UnsubscribeTarget.ForAll(_fr.Id)), CancellationToken.None));
        Assert.Equal(UnsubscribeOutcome.Changed, all.Outcome);
        var settings = await _world.QueryAsync(db => db.UserSettings.AsNoTracking().SingleAsync(s => s.UserId == _fr.Id));
        Assert.Equal((DeliveryMode.Off, DeliveryMode.Off, false), (settings.BroadcastDelivery, settings.VendorDelivery, settings.MentionsEnabled));
        Assert.Empty(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "vendor-fr", "all off, even @" + _fr.Handle)));
    }

    [Fact]
    public async Task Unsubscribe_ForgedToken_ChangesNothing()
    {
        var result = await UnsubscribeAsync(s => s.ApplyAsync("t1_aaaaaaaaaaaaaaaaaaaaaaaa", CancellationToken.None));

        Assert.Equal(UnsubscribeOutcome.InvalidToken, result.Outcome);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Notifications_OfOneChannel_ShareOneSubjectAndAnswerTheFirst()
    {
        var first = await PostAsync(_pm, "vendor-fr", "Reel 2 timeline drifts after the recap, please check");
        var second = await PostAsync(_pm, "vendor-fr", "A second, unrelated question about the glossary");

        var mails = await MailsToAsync(Address(_fr));
        Assert.Equal(2, mails.Count);
        var root = $"c{World.Channel(_title, "vendor-fr").Id}.u{_fr.Id}@clp.test";
        Assert.Equal(root, mails[0].MessageId);
        Assert.Null(mails[0].InReplyTo);
        Assert.Equal($"m{second.Message!.Id}.u{_fr.Id}@clp.test", mails[1].MessageId);
        Assert.Equal(root, mails[1].InReplyTo);
        Assert.Equal(root, mails[1].References[0]);
        Assert.Equal(mails[0].Subject, mails[1].Subject);
        // A vendor who chose no language reads their first one: the channel is named in French.
        Assert.Equal($"[{_title.Name}] Prestataire · Français (fr)", mails[0].Subject);
        // The message opens the body instead of the subject.
        Assert.StartsWith($"{_pm.Name}: Reel 2 timeline drifts", mails[0].TextBody, StringComparison.Ordinal);
        Assert.Equal(1, await _world.QueryAsync(db => db.MailThreads.CountAsync(t => t.UserId == _fr.Id)));
        _ = first;
    }

    [Fact]
    public async Task Notifications_TwoMessagesInOneFanOut_StartTheThreadOnce()
    {
        // Both posts wait for one fan-out: the second's mail must answer the first's, not be a second root.
        foreach (var text in new[] { "one", "two" })
        {
            var posted = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
                new PostRequest(_pm.Id, World.Channel(_title, "vendor-fr").Id, text, [], MessageOrigin.Web), CancellationToken.None));
            Assert.True(posted.Succeeded);
        }

        Assert.Equal(2, await _database.FanOutAsync());

        var mails = await MailsToAsync(Address(_fr));
        Assert.Equal([null, mails[0].MessageId], mails.Select(m => m.InReplyTo));
        Assert.NotEqual(mails[0].MessageId, mails[1].MessageId);
    }

    [Fact]
    public async Task Mention_DeliveryOffOrDigest_IsMailedAtOnce()
    {
        await _world.SaveAsync(db =>
        {
            db.UserSettings.Attach(_fr.Settings!);
            _fr.Settings!.VendorDelivery = DeliveryMode.Off;
        });

        Assert.Empty(await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "vendor-fr", "no mention")));
        var mentioned = await MailsToAfterAsync(Address(_fr), () => PostAsync(_pm, "vendor-fr", "@" + _fr.Handle + " please check"));
        var digestUser = await MailsToAfterAsync(Address(_cpcDigest), () => PostAsync(_pm, "vendor-fr", "@" + _cpcDigest.Handle + " too"));

        Assert.Equal("mention", Assert.Single(mentioned).Headers["X-CLP-Reason"]);
        Assert.Equal("mention", Assert.Single(digestUser).Headers["X-CLP-Reason"]);
    }

    [Fact]
    public async Task Mention_MentionsTurnedOff_NoMailAndTheAuthorIsTold()
    {
        await _world.SaveAsync(db =>
        {
            db.UserSettings.Attach(_fr.Settings!);
            _fr.Settings!.VendorDelivery = DeliveryMode.Off;
            _fr.Settings!.MentionsEnabled = false;
        });
        await _world.SaveAsync(db => db.AddressHealth.Add(new AddressHealth { Address = Address(_de), SuppressedAtUtc = DateTime.UtcNow }));

        PostResult result = null!;
        var mails = await MailsToAfterAsync(Address(_fr), async () => result = await PostAsync(_pm, "vendor-fr", $"@{_fr.Handle} and @{_de.Handle} please"));

        Assert.Empty(mails);
        Assert.Equal(
            [(_fr.Id, "they turned mention mails off")],
            result.MentionsWithoutMail.Select(m => (m.User.Id, m.Reason)));
        Assert.Contains(result.MentionWarnings(), w => w.Contains($"@{_fr.Handle}", StringComparison.Ordinal) && w.Contains("turned mention mails off", StringComparison.Ordinal));
        // @de cannot read vendor-fr: reported as such, not as unmailed.
        Assert.Equal([_de.Id], result.MentionsWithoutAccess.Select(u => u.Id));
    }

    [Fact]
    public async Task Mention_SuppressedAddress_AuthorIsTold()
    {
        await _world.SaveAsync(db => db.AddressHealth.Add(new AddressHealth { Address = Address(_fr), SuppressedAtUtc = DateTime.UtcNow }));

        var result = await PostAsync(_pm, "vendor-fr", $"@{_fr.Handle} ping");

        Assert.Equal("mail to their address is paused because it bounced", Assert.Single(result.MentionsWithoutMail).Reason);
    }

    [Fact]
    public async Task Digest_CarriesItsOwnListIdAndAnUnsubscribeThatTurnsDigestsOff()
    {
        await PostAsync(_pm, "vendor-fr", "one");
        await _database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None));
        var raw = await _world.QueryAsync(db => db.OutboundMails.Where(m => m.Purpose == OutboundPurposes.Digest).Select(m => m.Raw).SingleAsync());
        var digest = await MimeMessage.LoadAsync(new MemoryStream(raw));

        Assert.Equal("CLP Mail Gateway digest <digest.clp.test>", digest.Headers["List-Id"]);
        Assert.Equal("List-Unsubscribe=One-Click", digest.Headers["List-Unsubscribe-Post"]);
        var url = digest.Headers["List-Unsubscribe"]!.Split(',')[0].Trim('<', '>', ' ');
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.Contains(url, digest.TextBody, StringComparison.Ordinal);

        var result = await UnsubscribeAsync(s => s.ApplyAsync(token, CancellationToken.None));

        Assert.Equal(UnsubscribeScope.Digest, result.Target.Scope);
        Assert.Equal(DeliveryMode.Off, await _world.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _cpcDigest.Id).Select(s => s.VendorDelivery).SingleAsync()));
        await UnsubscribeAsync(s => s.UndoAsync(token, CancellationToken.None));
        Assert.Equal(DeliveryMode.Digest, await _world.QueryAsync(db => db.UserSettings.Where(s => s.UserId == _cpcDigest.Id).Select(s => s.VendorDelivery).SingleAsync()));
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

        await using (var files = new AttachedFiles(database.OpenBlobReader()))
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

        await using var files = new AttachedFiles(database.OpenBlobReader());
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

        await using var files = new AttachedFiles(database.OpenBlobReader());
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

    private Task<PostResult> PostAsync(User author, string channelKey, string text) => PostInAsync(_title, author, channelKey, text);

    private async Task<PostResult> PostInAsync(Title title, User author, string channelKey, string text)
    {
        var result = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(title, channelKey).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await _database.FanOutAsync());
        return result;
    }

    /// <summary>The notification mails that <paramref name="act"/> queued to <paramref name="address"/>, oldest first.</summary>
    private async Task<List<MimeMessage>> MailsToAfterAsync(string address, Func<Task> act)
    {
        var before = await _world.QueryAsync(db => db.OutboundMails.Select(m => (long?)m.Id).MaxAsync()) ?? 0;
        await act();
        return await MailsToAsync(address, before);
    }

    /// <summary>The notification mails queued to <paramref name="address"/> after row <paramref name="after"/>, oldest first.</summary>
    private async Task<List<MimeMessage>> MailsToAsync(string address, long after = 0)
    {
        var raws = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking()
            .Where(m => m.Id > after && m.ToAddress == address && m.Purpose == OutboundPurposes.Notification)
            .OrderBy(m => m.Id).Select(m => m.Raw).ToListAsync());
        return raws.Select(r => MimeMessage.Load(new MemoryStream(r))).ToList();
    }

    private Task<ReplyTokenOptions> TokenOptionsAsync() =>
        _database.WithAsync(s => Task.FromResult(s.GetRequiredService<IOptions<ReplyTokenOptions>>().Value));

    private Task<UnsubscribeResult> UnsubscribeAsync(Func<UnsubscribeService, Task<UnsubscribeResult>> act) =>
        _database.WithAsync(s => act(s.GetRequiredService<UnsubscribeService>()));

    /// <summary>The one-click token in the newest notification mailed to <paramref name="address"/>.</summary>
    private async Task<string> UnsubscribeTokenOfAsync(string address)
    {
        var raw = await _world.QueryAsync(db => db.OutboundMails.Where(m => m.ToAddress == address).OrderByDescending(m => m.Id).Select(m => m.Raw).FirstAsync());
        var header = MimeMessage.Load(new MemoryStream(raw)).Headers["List-Unsubscribe"];
        var url = header!.Split(',')[0].Trim('<', '>', ' ');
        return url[(url.LastIndexOf('/') + 1)..];
    }
}
