using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Parsing;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Threading;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.Tests.Inbound;

/// <summary>The batched store and threading of the inbound pipeline on a real SQLite file: several mails per transaction,
/// a savepoint per mail, large mails streamed into their row.</summary>
public sealed class InboundBatchTests : IAsyncLifetime
{
    private const string Mailbox = "reply@clp.test/INBOX";
    private readonly FailingFaults _faults = new();
    private TestDatabase _database = null!;
    private World _world = null!;
    private User _fr = null!;
    private Channel _vendorFr = null!;

    public async Task InitializeAsync()
    {
        // Many replies from one user in a few seconds: the per-sender limits, tested elsewhere, stay out of the way.
        _database = await TestDatabase.CreateAsync(
            settings: new Dictionary<string, string?> { ["Inbound:PostsPerSenderPerChannelPerHour"] = "10000", ["Inbound:PostsPerSenderPerHour"] = "10000" },
            configure: s => s.AddSingleton<IInboundFaults>(_faults));
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _fr = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ProcessStored_OneMailFails_OthersOfTheGroupArePostedAndItStaysPending()
    {
        var stored = await StoreAsync(await ReplyAsync("one"), await ReplyAsync("two"), await ReplyAsync("three"));
        _faults.FailAtPostedOnce = stored[1].Uid;

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        Assert.Equal(["one", "three"], await TextsAsync());
        var failed = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[1].Id));
        Assert.Equal(InboundStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.PostedMessageId);
        Assert.Contains("\"failed\"", failed.Trace, StringComparison.Ordinal);

        // The next poll threads it, once.
        var retried = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], retried);
        Assert.Equal(["one", "three", "two"], await TextsAsync());
    }

    [Fact]
    public async Task StoreBatch_NewMail_ItsFirstAttemptIsCommittedWithIt()
    {
        var stored = await StoreAsync(await ReplyAsync("counted"));

        var row = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Id));
        Assert.Equal(InboundStatus.Pending, row.Status);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task ProcessPending_CrashWhileThreading_TheAttemptSurvivesTheRollback()
    {
        var stored = await StoreAsync(await ReplyAsync("poison"));
        _faults.CrashAtPosted = stored[0].Uid;

        await Assert.ThrowsAsync<PipelineCrashException>(() => _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None)));

        var row = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync());
        Assert.Equal(InboundStatus.Pending, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Contains("\"step\":\"attempt\"", row.Trace, StringComparison.Ordinal);
        Assert.Empty(await TextsAsync());
    }

    [Fact]
    public async Task ProcessPending_MailThatEndsTheProcessEveryTime_QuarantinedUnreadAfterTheLimit_TheOthersPosted()
    {
        var stored = await StoreAsync(await ReplyAsync("before"), await ReplyAsync("poison"), await ReplyAsync("after"));
        _faults.CrashAtPosted = stored[1].Uid;
        var max = new ImapOptions().MaxProcessingAttempts;

        // Every restart takes the mails left pending; the poison one ends the "process" each time it is threaded.
        var crashes = 0;
        for (var restart = 0; restart < max + 3; restart++)
        {
            try
            {
                await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));
            }
            catch (PipelineCrashException)
            {
                crashes++;
            }
        }

        Assert.Equal(max - 1, crashes); // its first attempt was committed by the store, and counts
        Assert.Equal(["before", "after"], await TextsAsync());
        var poison = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[1].Id));
        Assert.Equal(InboundStatus.Rejected, poison.Status);
        Assert.Equal(RejectReasons.ProcessingFailed, poison.Reason);
        Assert.Equal(max, poison.Attempts);
        Assert.Contains("without an outcome", poison.ReasonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessPending_TheMostTriedMailGoesLast()
    {
        var stored = await StoreAsync(await ReplyAsync("tried before"), await ReplyAsync("new"));
        await _world.SaveAsync(db => db.InboundMails.Single(m => m.Id == stored[0].Id).Attempts = 3);

        await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));

        Assert.Equal(["new", "tried before"], await TextsAsync());
    }

    [Fact]
    public async Task StoreBatch_SameMailTwice_IsOneRow()
    {
        var raw = await ReplyAsync("twice");

        var rows = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync(Mailbox, 1, [(1, raw), (2, raw)], CancellationToken.None));

        Assert.True(rows[0].Created);
        Assert.False(rows[1].Created);
        Assert.Equal(rows[0].Mail.Id, rows[1].Mail.Id);
        Assert.Equal(1, await _world.CountAsync<InboundMail>());
    }

    [Fact]
    public async Task LargeMail_IsStoredWholeAndPostedWithItsFile()
    {
        var file = RandomNumberGenerator.GetBytes(9_000_000);
        var raw = await ReplyAsync("the reel", file);
        Assert.True(raw.Length >= InboundStore.StreamedBytes);

        var stored = await StoreAsync(raw);
        var fromDisk = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Id));
        Assert.Equal(raw, fromDisk.Raw);
        Assert.Equal(raw.LongLength, fromDisk.SizeBytes);

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        var row = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Id));
        Assert.True(statuses.SequenceEqual([InboundStatus.Posted]), $"{row.Status} {row.Reason}: {row.ReasonDetail}");
        var message = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync());
        Assert.Equal("the reel", message.Text);
        Assert.Equal(file, Assert.Single(message.Attachments).Content);
    }

    [Fact]
    public async Task StoreStreamed_LargeMail_IsStoredWholeWithItsKeyAndPostedWithItsFile()
    {
        var file = RandomNumberGenerator.GetBytes(3_000_000);
        var raw = await ReplyAsync("the reel, streamed", file);

        var (mail, created) = await StoreStreamedAsync(7, raw);

        Assert.True(created);
        Assert.Empty(mail.Raw); // never held: threaded from its row
        var fromDisk = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == mail.Id));
        Assert.Equal(raw, fromDisk.Raw);
        Assert.Equal(raw.LongLength, fromDisk.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(raw)), fromDisk.Sha256);
        Assert.Equal(MimeMessage.Load(new MemoryStream(raw)).MessageId, fromDisk.MessageId);
        Assert.Equal(_fr.Emails[0].Address, fromDisk.FromAddress);
        Assert.Equal("Re: timeline", fromDisk.Subject);
        Assert.Equal(7, fromDisk.Uid);
        Assert.Contains("\"stored\"", fromDisk.Trace, StringComparison.Ordinal);

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync([mail], CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], statuses);
        var message = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync());
        Assert.Equal("the reel, streamed", message.Text);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal(file, attachment.Content);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), attachment.Sha256);
        Assert.Equal(raw, await _world.QueryAsync(db => db.InboundMails.Where(m => m.Id == mail.Id).Select(m => m.Raw).SingleAsync()));
    }

    [Fact]
    public async Task StoreStreamed_MailStoredBefore_FindsTheFirstRowAndAddsNone()
    {
        var raw = await ReplyAsync("twice", RandomNumberGenerator.GetBytes(1_500_000));
        var first = await StoreAsync(raw);

        var (mail, created) = await StoreStreamedAsync(2, raw);

        Assert.False(created);
        Assert.Equal(first[0].Id, mail.Id);
        Assert.Equal(1, await _world.CountAsync<InboundMail>());
        Assert.Equal(raw, await _world.QueryAsync(db => db.InboundMails.Select(m => m.Raw).SingleAsync()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public async Task StoreStreamed_ContentNotOfTheAnnouncedLength_StoresNothing(int difference)
    {
        var raw = await ReplyAsync("wrong size", RandomNumberGenerator.GetBytes(1_200_000));

        await Assert.ThrowsAsync<InvalidDataException>(() => _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreStreamedAsync(Mailbox, 1, 3, raw.Length + difference, new MemoryStream(raw), CancellationToken.None)));

        Assert.Equal(0, await _world.CountAsync<InboundMail>());
        Assert.Equal(0, await _world.QueryAsync(db => db.Database.SqlQueryRaw<int>("SELECT CAST(COUNT(*) AS INTEGER) AS \"Value\" FROM \"InboundMailRaws\"").SingleAsync()));
    }

    [Fact]
    public async Task ProcessPending_LargeMailStoredBeforeACrash_IsReadFromItsRowAndPostedOnce()
    {
        var file = RandomNumberGenerator.GetBytes(2_000_000);
        await StoreStreamedAsync(1, await ReplyAsync("after the crash", file));

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));
        var again = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], statuses);
        Assert.Empty(again);
        var message = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync());
        Assert.Equal(file, Assert.Single(message.Attachments).Content);
    }

    [Fact]
    public async Task LoadWithoutRaw_HasEveryColumnButTheRawBytes()
    {
        var stored = await StoreAsync(await ReplyAsync("columns"));
        await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));
        var full = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync());

        var loaded = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().LoadWithoutRawAsync(full.Id, CancellationToken.None));

        Assert.Empty(loaded.Raw);
        foreach (var property in typeof(InboundMail).GetProperties().Where(p => p.Name != nameof(InboundMail.Raw)))
        {
            Assert.Equal(property.GetValue(full), property.GetValue(loaded));
        }
    }

    [Fact]
    public async Task ProcessStored_AssignmentRemovedBetweenPolls_SecondReplyIsRejected()
    {
        var first = await StoreAsync(await ReplyAsync("before"));
        var second = await StoreAsync(2, await ReplyAsync("after"));

        // Both polls in one scope (one lookup cache), the vendor losing the language in between.
        var (before, after) = await _database.WithAsync(async s =>
        {
            var processor = s.GetRequiredService<InboundProcessor>();
            var before = await processor.ProcessStoredAsync(first, CancellationToken.None);
            await _world.SaveAsync(db => db.VendorAssignments.RemoveRange(db.VendorAssignments.Where(a => a.VendorId == _fr.VendorId)));
            var after = await processor.ProcessStoredAsync(second, CancellationToken.None);
            return (before, after);
        });

        Assert.Equal([InboundStatus.Posted], before);
        Assert.Equal([InboundStatus.Rejected], after);
        var rejected = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == second[0].Id));
        Assert.Equal(RejectReasons.PermissionDenied, rejected.Reason);
        Assert.Equal(["before"], await TextsAsync());
    }

    [Fact]
    public async Task ProcessStored_SeveralGroups_ParsedAheadOfTheirTransaction_EachMailAsIfParsedInside()
    {
        // 51 replies and one mail that is not MIME: the second group is parsed on another thread while the first is in
        // its transaction; the unreadable one fails to parse there and is parsed (and rejected) inside, as before.
        var raws = new List<byte[]>();
        for (var i = 0; i < InboundProcessor.GroupSize + 1; i++)
        {
            raws.Add(await ReplyAsync($"reply {i}"));
        }

        raws.Add("\r\n\r\n"u8.ToArray());
        var stored = await StoreAsync([.. raws]);

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal(Enumerable.Repeat(InboundStatus.Posted, InboundProcessor.GroupSize + 1).Append(InboundStatus.Rejected), statuses);
        Assert.Equal(Enumerable.Range(0, InboundProcessor.GroupSize + 1).Select(i => $"reply {i}"), await TextsAsync());
        var unreadable = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Status == InboundStatus.Rejected));
        Assert.Equal(RejectReasons.Unparseable, unreadable.Reason);
    }

    [Fact]
    public async Task ProcessStored_ParsedEarly_TheEarlyParseIsWhatIsThreaded_AMailItMissedIsParsedInside()
    {
        var early = await ReplyAsync("as fetched");
        var missed = await ReplyAsync("parsed inside");
        var standIn = await ReplyAsync("the early parse");
        var stored = await StoreAsync(early, missed);
        // The early parse of the first mail's bytes stands in for parsing it: given another reply's parse, that reply's
        // text is what gets posted. The second mail has no early parse and is parsed as usual.
        var options = await _database.WithAsync(s => Task.FromResult(s.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClpMailGateway.Mail.MailOptions>>().Value));
        var parsed = new ParsedAhead(new Dictionary<byte[], ParseOutcome>(ReferenceEqualityComparer.Instance) { [early] = Outcome(ReplyThreader.TryParse(standIn, options)) });

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, Task.FromResult(parsed), CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        Assert.Equal(["the early parse", "parsed inside"], await TextsAsync());
    }

    [Fact]
    public async Task ProcessStored_FilesDecodedAhead_ArePostedByteForByte_AsWhenDecodedInside()
    {
        // A small file (kept in memory by the poster) and one over the poster's streaming size (written into its row
        // from a second read), in a mail parsed ahead (files decoded there) and in one parsed inside (decoded while posted).
        var small = RandomNumberGenerator.GetBytes(20_000);
        var large = RandomNumberGenerator.GetBytes(MessagePoster.StreamedBytes + 4_321);
        var ahead = await ReplyAsync("decoded ahead", small, large);
        var inside = await ReplyAsync("decoded inside", small, large);
        var options = await _database.WithAsync(s => Task.FromResult(s.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClpMailGateway.Mail.MailOptions>>().Value));
        var parsedAhead = ReplyThreader.TryParse(ahead, options);
        Assert.NotNull(parsedAhead?.Files);
        Assert.Equal([small, large], parsedAhead.Files);
        var stored = await StoreAsync(ahead, inside);
        var parsed = new ParsedAhead(new Dictionary<byte[], ParseOutcome>(ReferenceEqualityComparer.Instance) { [ahead] = Outcome(parsedAhead) });

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, Task.FromResult(parsed), CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        var messages = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(["decoded ahead", "decoded inside"], messages.Select(m => m.Text));
        foreach (var message in messages)
        {
            var files = message.Attachments.OrderBy(a => a.Id).ToList();
            Assert.Equal([small, large], files.Select(f => f.Content));
            Assert.Equal([small.LongLength, large.LongLength], files.Select(f => f.SizeBytes));
            Assert.Equal(files.Select(f => Convert.ToHexStringLower(SHA256.HashData(f.Content))), files.Select(f => f.Sha256));
        }
    }

    [Fact]
    public void TryParse_NothingToPostOrAFileOverTheLimit_DecodesNoFiles()
    {
        var options = new ClpMailGateway.Mail.MailOptions { Domain = "clp.test" };
        var autoReply = new MimeMessage();
        autoReply.From.Add(MailboxAddress.Parse("away@example.com"));
        autoReply.To.Add(MailboxAddress.Parse("reply+AAAAAAAAAAAAAAAAAAAAAAAA@clp.test"));
        autoReply.Subject = "Automatic reply: out of office";
        autoReply.Headers.Add("Auto-Submitted", "auto-replied");
        var body = new BodyBuilder { TextBody = "I am away." };
        body.Attachments.Add("card.pdf", RandomNumberGenerator.GetBytes(5_000));
        autoReply.Body = body.ToMessageBody();
        using var buffer = new MemoryStream();
        autoReply.WriteTo(buffer);

        var parsed = ReplyThreader.TryParse(buffer.ToArray(), options);

        Assert.NotNull(parsed);
        Assert.Equal(ReplyKind.AutoReply, parsed.Analysis.Kind);
        Assert.Null(parsed.Files);
    }

    [Fact]
    public async Task ProcessStored_ParseEarlyOfTheFetchedBytes_SameOutcomeAsParsingAfterTheStore()
    {
        var raws = new List<byte[]>();
        for (var i = 0; i < InboundProcessor.GroupSize + 2; i++)
        {
            raws.Add(await ReplyAsync($"reply {i}"));
        }

        raws.Insert(3, "\r\n\r\n"u8.ToArray());

        var statuses = await _database.WithAsync(async s =>
        {
            var processor = s.GetRequiredService<InboundProcessor>();
            var early = processor.ParseEarly(raws, CancellationToken.None);
            var stored = await StoreAsync([.. raws]);
            return await processor.ProcessStoredAsync(stored, early, CancellationToken.None);
        });

        Assert.Equal(InboundStatus.Rejected, statuses[3]);
        Assert.Equal(InboundProcessor.GroupSize + 2, statuses.Count(st => st == InboundStatus.Posted));
        Assert.Equal(Enumerable.Range(0, InboundProcessor.GroupSize + 2).Select(i => $"reply {i}"), await TextsAsync());
    }

    [Fact]
    public async Task ProcessStored_TwoRepliesInOneGroup_FollowerGetsBothWithOneReplyToken()
    {
        var follower = await FollowerAsync();
        var stored = await StoreAsync(await ReplyAsync("one"), await ReplyAsync("two"));

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        var replyTos = await NotificationReplyTosAsync(follower);
        Assert.Equal(2, replyTos.Count);
        Assert.Single(replyTos.Distinct());
        Assert.Equal(1, await _world.QueryAsync(db => db.ReplyTokens.CountAsync(t => t.UserId == follower.Id && t.ChannelId == _vendorFr.Id)));
    }

    [Fact]
    public async Task FanOut_AddressSuppressedByABounceSinceTheLastRun_GetsNoMoreNotifications()
    {
        // The fan-out keeps its audiences from one run to the next; suppression is read afresh for every message.
        var follower = await FollowerAsync();
        var first = await StoreAsync(1, await ReplyAsync("one"));
        await _database.WithAsync(async s =>
        {
            Assert.Equal([InboundStatus.Posted], await s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(first, CancellationToken.None));
            return await s.GetRequiredService<NotificationFanout>().RunAsync(CancellationToken.None);
        });
        var address = follower.Emails[0].Address;
        var returnPath = await _world.QueryAsync(db => db.OutboundMails.Where(m => m.ToAddress == address).Select(m => m.EnvelopeFrom).SingleAsync());
        // Two hard bounces reach the score that suppresses (2 + 2 of 4).
        var second = await StoreAsync(2, Bounces.Dsn(returnPath, address), Bounces.Dsn(returnPath, address), await ReplyAsync("two"));

        await _database.WithAsync(async s =>
        {
            var processor = s.GetRequiredService<InboundProcessor>();
            Assert.Equal([InboundStatus.Ignored, InboundStatus.Ignored, InboundStatus.Posted], await processor.ProcessStoredAsync(second, CancellationToken.None));
            Assert.Equal(1, await s.GetRequiredService<NotificationFanout>().RunAsync(CancellationToken.None));
            return 0;
        });

        var details = await _world.QueryAsync(db => db.InboundMails.Where(m => m.Kind == "bounce").Select(m => m.ReasonDetail).ToListAsync());
        Assert.EndsWith("at score 4, mail to it suppressed", details[1], StringComparison.Ordinal);
        Assert.Single(await NotificationReplyTosAsync(follower));
        Assert.Equal(["one", "two"], await TextsAsync());
    }

    [Fact]
    public async Task ProcessStored_FailedMailRolledBack_NotificationOfTheNextCarriesAStoredToken()
    {
        var follower = await FollowerAsync();
        var stored = await StoreAsync(await ReplyAsync("one"), await ReplyAsync("two"));
        _faults.FailAtPostedOnce = stored[0].Uid;

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], statuses);
        var replyTo = Assert.Single(await NotificationReplyTosAsync(follower));
        var token = await _world.QueryAsync(db => db.ReplyTokens.AsNoTracking().SingleAsync(t => t.UserId == follower.Id && t.ChannelId == _vendorFr.Id));
        var verified = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>()
            .VerifyAsync(replyTo.Split('+', '@')[1], CancellationToken.None));
        Assert.True(verified.IsValid);
        Assert.Equal(token.Id, verified.TokenId);
    }

    [Fact]
    public async Task ProcessStored_ReplyWithFile_NotificationsNameTheSavedMessageAndFileRows()
    {
        // The post is saved with the rest of the mail in one SaveChanges, its ids taken beforehand: the notification must
        // name the rows as saved.
        var follower = await FollowerAsync();
        var file = RandomNumberGenerator.GetBytes(20_000);
        var stored = await StoreAsync(await ReplyAsync("no file"), await ReplyAsync("with a file", file));

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        Assert.Equal(2, await _database.FanOutAsync());
        var messages = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(["no file", "with a file"], messages.Select(m => m.Text));
        var posted = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().OrderBy(m => m.Id).Select(m => m.PostedMessageId).ToListAsync());
        Assert.Equal(messages.Select(m => (long?)m.Id), posted);
        var address = follower.Emails[0].Address;
        var raws = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking()
            .Where(m => m.ToAddress == address).OrderBy(m => m.Id).Select(m => m.Raw).ToListAsync());
        var notifications = raws.Select(raw => MimeMessage.Load(new MemoryStream(raw))).ToList();
        // The first notification of the channel to the follower starts its thread; the next one names its message.
        Assert.Equal([$"c{messages[0].ChannelId}.u{follower.Id}@clp.test", $"m{messages[1].Id}.u{follower.Id}@clp.test"], notifications.Select(n => n.MessageId));
        var reference = Assert.IsType<MimePart>(Assert.Single(notifications[1].Attachments));
        Assert.Equal(Assert.Single(messages[1].Attachments).Id.ToString(System.Globalization.CultureInfo.InvariantCulture), reference.Headers[AttachedFiles.Header]);
        Assert.Equal(file, messages[1].Attachments[0].Content);
    }

    [Fact]
    public async Task FanOut_FollowRemovedByAnotherConnectionBetweenRuns_NextRunSeesIt()
    {
        // The fan-out keeps its lookups from one group to the next while nothing they read changed; a follow removed by
        // another connection is such a change.
        var follower = await FollowerAsync();
        var first = await StoreAsync(1, await ReplyAsync("before"));
        var second = await StoreAsync(2, await ReplyAsync("after"));

        await _database.WithAsync(async s =>
        {
            var processor = s.GetRequiredService<InboundProcessor>();
            var fanout = s.GetRequiredService<NotificationFanout>();
            await using var held = await s.GetRequiredService<LookupCache>().HoldAsync(s.GetRequiredService<GatewayDbContext>(), CancellationToken.None);
            Assert.Equal([InboundStatus.Posted], await processor.ProcessStoredAsync(first, CancellationToken.None));
            Assert.Equal(1, await fanout.RunAsync(CancellationToken.None));
            await _world.SaveAsync(other => other.Follows.RemoveRange(other.Follows.Where(f => f.UserId == follower.Id)));
            Assert.Equal([InboundStatus.Posted], await processor.ProcessStoredAsync(second, CancellationToken.None));
            Assert.Equal(1, await fanout.RunAsync(CancellationToken.None));
            return 0;
        });

        Assert.Single(await NotificationReplyTosAsync(follower));
        Assert.Equal(["before", "after"], await TextsAsync());
    }

    private async Task<User> FollowerAsync()
    {
        var vendor = await _world.QueryAsync(db => db.Vendors.AsNoTracking().SingleAsync(v => v.Id == _fr.VendorId));
        var follower = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        await _world.SaveAsync(db => db.Follows.Add(new Follow { UserId = follower.Id, TitleId = _vendorFr.TitleId }));
        return follower;
    }

    /// <summary>The Reply-To of each notification queued for <paramref name="user"/>, after the notifications of every
    /// post still pending are queued (as the poll's fan-out does).</summary>
    private async Task<List<string>> NotificationReplyTosAsync(User user)
    {
        await _database.FanOutAsync();
        var address = user.Emails[0].Address;
        var raws = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking()
            .Where(m => m.ToAddress == address && m.Purpose == OutboundPurposes.Notification).Select(m => m.Raw).ToListAsync());
        return raws.Select(raw => MimeMessage.Load(new MemoryStream(raw)).ReplyTo.Mailboxes.Single().Address).ToList();
    }


    private Task<List<InboundMail>> StoreAsync(params byte[][] raws) => StoreAsync(1, raws);

    private async Task<List<InboundMail>> StoreAsync(long firstUid, params byte[][] raws)
    {
        var rows = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync(Mailbox, 1, raws.Select((raw, i) => (firstUid + i, raw)).ToList(), CancellationToken.None));
        Assert.All(rows, r => Assert.True(r.Created));
        return rows.Select(r => r.Mail).ToList();
    }

    private Task<(InboundMail Mail, bool Created)> StoreStreamedAsync(long uid, byte[] raw) =>
        _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreStreamedAsync(Mailbox, 1, uid, raw.Length, new MemoryStream(raw, writable: false), CancellationToken.None));

    private Task<List<string>> TextsAsync() =>
        _world.QueryAsync(db => db.Messages.AsNoTracking().Where(m => m.ChannelId == _vendorFr.Id).OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());

    private async Task<byte[]> ReplyAsync(string text, params byte[][] files)
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_fr.Emails[0].Address));
        message.To.Add(MailboxAddress.Parse($"reply+{token}@clp.test"));
        message.Subject = "Re: timeline";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        var body = new TextPart("plain") { Text = text + "\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n> Please check.\n" };
        var mixed = new Multipart("mixed") { body };
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            mixed.Add(new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(new MemoryStream(file)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = $"reel{i + 1}.mov",
            });
        }

        message.Body = files.Length == 0 ? body : mixed;
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        return stream.ToArray();
    }

    /// <summary>Makes threading of one UID fail once with an ordinary error (a bug or an outage, not a crash).</summary>
    private static ParseOutcome Outcome(ParsedReply? parsed) => new(parsed, null, null, TimeSpan.Zero, 0);

    private sealed class FailingFaults : IInboundFaults
    {
        public long? FailAtPostedOnce { get; set; }

        /// <summary>Ends the pipeline at this UID's post, every time, as a process that dies there would.</summary>
        public long? CrashAtPosted { get; set; }

        public void At(InboundStep point, long uid)
        {
            if (point == InboundStep.Posted && uid == FailAtPostedOnce)
            {
                FailAtPostedOnce = null;
                throw new InvalidOperationException($"simulated failure threading uid {uid}");
            }

            if (point == InboundStep.Posted && uid == CrashAtPosted)
            {
                throw new PipelineCrashException($"simulated crash threading uid {uid}");
            }
        }
    }
}
