using System.Diagnostics.Metrics;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Retention;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ClpMailGateway.Tests.Storage;

/// <summary>The retention job on the provider the run uses (SQLite, or PostgreSQL with <c>CLP_TEST_PROVIDER=Postgres</c>),
/// with the real inbound pipeline and a clock moved forward.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestDatabase _database = null!;
    private World _world = null!;
    private User _lea = null!;
    private Channel _vendorFr = null!;
    private MeasurementRecorder _measurements = null!;
    private int _uid;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(_time, new Dictionary<string, string?> { ["Retention:BatchSize"] = "100" });
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _lea = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
        _measurements = await _database.WithAsync(s => Task.FromResult(new MeasurementRecorder(s.GetRequiredService<IMeterFactory>())));
    }

    public async Task DisposeAsync()
    {
        _measurements.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Run_ThreadedMail29And31DaysAgo_RemovesOnlyTheOlderRawAndKeepsThePostAndItsFile()
    {
        var older = await ReplyAsync("Reel 2 checked", withFile: true);
        _time.Advance(TimeSpan.FromDays(2));
        var newer = await ReplyAsync("Reel 3 checked", withFile: false);
        _time.Advance(TimeSpan.FromDays(29)); // older: threaded 31 days ago; newer: 29

        var result = await RunAsync();

        Assert.Equal(1, result.InboundRaw);
        var rows = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([older.Id, newer.Id], rows.Select(r => r.Id));
        Assert.Equal(TestDatabase.Stored(_time.GetUtcNow().UtcDateTime), rows[0].RawRemovedAtUtc);
        Assert.Empty(rows[0].Raw);
        Assert.Equal(older.Raw.Length, rows[0].SizeBytes); // what the mail was stays described
        Assert.Null(rows[1].RawRemovedAtUtc);
        Assert.Equal(newer.Raw, rows[1].Raw);
        // What was posted stays: both messages, and the file with its bytes.
        Assert.Equal(2, await _world.QueryAsync(db => db.Messages.CountAsync(m => m.ChannelId == _vendorFr.Id)));
        var file = await _world.QueryAsync(db => db.Attachments.AsNoTracking().SingleAsync(a => a.MessageId == rows[0].PostedMessageId));
        Assert.Equal("cue-sheet.csv", file.FileName);
        Assert.Equal(CueSheet, file.Content);
    }

    [Fact]
    public async Task Store_MailFetchedAgainAfterItsRawWasRemoved_IsRecognisedAndNotPostedTwice()
    {
        var reply = await ReplyAsync("Reel 2 checked", withFile: true);
        _time.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, (await RunAsync()).InboundRaw);

        // Redelivered, or fetched again after a UIDVALIDITY change: the same bytes under another uid.
        var again = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 2, [(99, reply.Raw)], CancellationToken.None));
        var processed = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(again.Select(r => r.Mail).ToList(), CancellationToken.None));

        Assert.False(again[0].Created);
        Assert.Equal(reply.Id, again[0].Mail.Id);
        Assert.Empty(processed);
        Assert.Equal(1, await _world.CountAsync<InboundMail>());
        Assert.Equal(1, await _world.QueryAsync(db => db.Messages.CountAsync(m => m.ChannelId == _vendorFr.Id)));
    }

    [Fact]
    public async Task Replay_IgnoredMailWhoseRawWasRemoved_RefusedSayingWhen()
    {
        var reply = await ReplyAsync("Reel 2 checked", withFile: false);
        await _world.SaveAsync(db => db.InboundMails.Where(m => m.Id == reply.Id).ToList().ForEach(m => m.Status = InboundStatus.Ignored));
        _time.Advance(TimeSpan.FromDays(31));
        await RunAsync();

        var refused = await Assert.ThrowsAsync<RawRemovedException>(() =>
            _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ReplayAsync(reply.Id, CancellationToken.None)));

        Assert.Contains("removed by retention on 2027-01-01", refused.Message, StringComparison.Ordinal);
        Assert.Equal(InboundStatus.Ignored, await _world.QueryAsync(db => db.InboundMails.Where(m => m.Id == reply.Id).Select(m => m.Status).SingleAsync()));
    }

    [Fact]
    public async Task QuarantineShow_RawRemoved_RawRefusedSayingWhen_FactsStillShown()
    {
        var reply = await ReplyAsync("Reel 2 checked", withFile: false);
        await _world.SaveAsync(db => db.InboundMails.Where(m => m.Id == reply.Id).ToList().ForEach(m => m.Status = InboundStatus.Ignored));
        _time.Advance(TimeSpan.FromDays(31));
        await RunAsync();
        var id = reply.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var raw = await new Cli(_database).RunAsync("quarantine", "show", id, "--raw");
        var shown = await new Cli(_database).RunAsync("quarantine", "show", id);
        var replay = await new Cli(_database).RunAsync("quarantine", "replay", id);

        Assert.Equal(5, raw.ExitCode);
        Assert.Contains($"The raw mail of inbound mail {id} was removed by retention on 2027-01-01", raw.Stderr, StringComparison.Ordinal);
        Assert.Empty(raw.Stdout);
        Assert.Equal(0, shown.ExitCode);
        Assert.StartsWith("2027-01-01T09:00:00", Assert.Single(shown.Lines).GetProperty("raw_removed_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, replay.ExitCode);
        Assert.Contains("removed by retention on 2027-01-01", replay.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_QuarantinedMails_UnresolvedDeletedAfter90Days_ResolvedKeptThenFollowTheRawRule()
    {
        var unresolved = await StrayAsync("Unsolicited");
        var resolved = await StrayAsync("Wrong address, fixed later");
        Assert.Equal(InboundStatus.Rejected, await StatusAsync(unresolved));
        _time.Advance(TimeSpan.FromDays(80));
        // Resolved as an operator's replay or "post to" that posts it leaves it: posted, threaded at the resolution.
        var resolvedAt = _time.GetUtcNow().UtcDateTime;
        await _world.SaveAsync(db => db.InboundMails.Where(m => m.Id == resolved).ToList().ForEach(m => (m.Status, m.ProcessedAtUtc) = (InboundStatus.Posted, resolvedAt)));

        _time.Advance(TimeSpan.FromDays(9)); // 89 days in quarantine
        var at89 = await RunAsync();
        _time.Advance(TimeSpan.FromDays(2)); // 91 days; resolved 11 days ago
        var at91 = await RunAsync();
        var rawRowsAt91 = await RawRowsAsync();
        _time.Advance(TimeSpan.FromDays(20)); // resolved 31 days ago
        var at111 = await RunAsync();

        Assert.Equal(new RetentionResult(0, 0, 0, 0, 0), at89);
        Assert.Equal(1, at91.QuarantinedMails);
        Assert.Equal(0, at91.InboundRaw);
        Assert.Equal([resolved], rawRowsAt91); // the deleted mail's raw bytes went with it
        Assert.Null(await StatusAsync(unresolved));
        Assert.Equal(1, at111.InboundRaw);
        Assert.Equal(0, at111.QuarantinedMails);
        var kept = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == resolved));
        Assert.NotNull(kept.RawRemovedAtUtc);
        Assert.Empty(kept.Raw);
    }

    [Fact]
    public async Task Run_QuarantinedMailReplayedAndQuarantinedAgain_CountsItsDaysFromTheLastQuarantine()
    {
        var stray = await StrayAsync("Unsolicited");
        _time.Advance(TimeSpan.FromDays(60));
        Assert.Equal(InboundStatus.Rejected, (await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ReplayAsync(stray, CancellationToken.None)))!.Status);
        _time.Advance(TimeSpan.FromDays(40)); // 100 days since it came, 40 since it was quarantined again

        Assert.Equal(0, (await RunAsync()).QuarantinedMails);
        _time.Advance(TimeSpan.FromDays(51));
        Assert.Equal(1, (await RunAsync()).QuarantinedMails);
    }

    [Fact]
    public async Task Run_OutboundMails_SentAndOldFailedCutToHeaders_PendingDeferredAndFreshFailedUntouched()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var sent = Outbound(OutboundStatus.Sent, now.AddMinutes(-5), sentAt: now.AddMinutes(-1));
        var sentBareLf = Outbound(OutboundStatus.Sent, now.AddMinutes(-5), sentAt: now.AddMinutes(-1), lineEnd: "\n");
        var pending = Outbound(OutboundStatus.Pending, now);
        var deferred = Outbound(OutboundStatus.Pending, now.AddDays(-3), attempts: 4);
        var failedFresh = Outbound(OutboundStatus.Failed, now.AddDays(-6));
        var failedOld = Outbound(OutboundStatus.Failed, now.AddDays(-8));
        await _world.SaveAsync(db => db.OutboundMails.AddRange(sent, sentBareLf, pending, deferred, failedFresh, failedOld));
        var whole = sent.Raw;

        var result = await RunAsync();

        Assert.Equal(3, result.OutboundBodies);
        var rows = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().ToDictionaryAsync(m => m.Id));
        foreach (var cut in new[] { sent, failedOld })
        {
            var headers = Encoding.ASCII.GetString(rows[cut.Id].Raw);
            Assert.Equal(Encoding.ASCII.GetString(whole)[..(Encoding.ASCII.GetString(whole).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2)], headers);
            Assert.DoesNotContain("Secret body", headers, StringComparison.Ordinal);
            Assert.NotNull(rows[cut.Id].BodyRemovedAtUtc);
            Assert.Equal(cut.Status, rows[cut.Id].Status);
            // The headers still read as headers: who it went to, what it was.
            using var stream = new MemoryStream(rows[cut.Id].Raw);
            Assert.Equal("New message in Title · Vendor FR", HeaderList.Load(stream)[HeaderId.Subject]);
        }

        var bareLf = Encoding.UTF8.GetString(rows[sentBareLf.Id].Raw);
        Assert.EndsWith("Content-Type: text/plain; charset=utf-8\n", bareLf, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret body", bareLf, StringComparison.Ordinal);
        foreach (var untouched in new[] { pending, deferred, failedFresh })
        {
            Assert.Equal(untouched.Raw, rows[untouched.Id].Raw);
            Assert.Null(rows[untouched.Id].BodyRemovedAtUtc);
        }

        // The outbox still sees exactly the pending mails as due.
        var due = await _database.WithAsync(s =>
        {
            var db = s.GetRequiredService<GatewayDbContext>();
            return db.Dialect.Outbox.ClaimDueAsync(db, "test", now, now.AddMinutes(1), 100, CancellationToken.None);
        });
        Assert.Equal(new[] { pending.Id, deferred.Id }.Order(), due.Order());
    }

    [Fact]
    public async Task Run_SignInAndVerificationLinks_UsedOrExpiredOverADayAgoRemoved_OthersKept()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var usedTwoDaysAgo = Link(now.AddDays(-2), used: now.AddDays(-2).AddMinutes(1));
        var expiredTwentyFiveHoursAgo = Link(now.AddHours(-26), used: null);
        var usedAnHourAgo = Link(now.AddHours(-1).AddMinutes(-5), used: now.AddHours(-1));
        var expiredAnHourAgo = Link(now.AddHours(-2), used: null);
        var valid = Link(now.AddMinutes(-5), used: null);
        await _world.SaveAsync(db => db.Set<SignInLink>().AddRange(usedTwoDaysAgo, expiredTwentyFiveHoursAgo, usedAnHourAgo, expiredAnHourAgo, valid));
        var staleAddress = new UserEmail { UserId = _lea.Id, Address = "old@clp.test", VerificationSecretHash = new string('a', 64), VerificationExpiresAtUtc = now.AddDays(-2), AddedAtUtc = now.AddDays(-3) };
        var freshAddress = new UserEmail { UserId = _lea.Id, Address = "new@clp.test", VerificationSecretHash = new string('b', 64), VerificationExpiresAtUtc = now.AddHours(20), AddedAtUtc = now.AddHours(-4) };
        await _world.SaveAsync(db => db.UserEmails.AddRange(staleAddress, freshAddress));

        var result = await RunAsync();

        Assert.Equal(2, result.SignInLinks);
        Assert.Equal(1, result.VerificationLinks);
        var left = await _world.QueryAsync(db => db.Set<SignInLink>().Select(l => l.Id).OrderBy(id => id).ToListAsync());
        Assert.Equal(new[] { usedAnHourAgo.Id, expiredAnHourAgo.Id, valid.Id }.Order(), left);
        var addresses = await _world.QueryAsync(db => db.UserEmails.AsNoTracking().Where(e => e.UserId == _lea.Id && e.VerifiedAtUtc == null).ToDictionaryAsync(e => e.Address));
        Assert.Null(addresses["old@clp.test"].VerificationSecretHash); // the address stays, unverified
        Assert.Equal(new string('b', 64), addresses["new@clp.test"].VerificationSecretHash);
    }

    [Fact]
    public async Task Run_EachKind_CountedOnTheRetentionMeter()
    {
        await ReplyAsync("Reel 2 checked", withFile: false);
        await StrayAsync("Unsolicited");
        var now = _time.GetUtcNow().UtcDateTime;
        await _world.SaveAsync(db => db.Set<SignInLink>().Add(Link(now, used: now)));
        _time.Advance(TimeSpan.FromDays(91));
        await _world.SaveAsync(db => db.OutboundMails.Add(Outbound(OutboundStatus.Sent, now, sentAt: now)));

        var result = await RunAsync();

        Assert.Equal(new RetentionResult(1, 1, 1, 1, 0), result);
        var counted = _measurements.All.Where(m => m.Instrument == "clp.retention.removed")
            .GroupBy(m => m.Tags["clp.retention.kind"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(
            new Dictionary<string, double> { [RetentionKinds.InboundRaw] = 1, [RetentionKinds.QuarantinedMail] = 1, [RetentionKinds.OutboundBody] = 1, [RetentionKinds.SignInLink] = 1 },
            counted);
        Assert.All(_measurements.All.Where(m => m.Instrument == "clp.retention.removed"), m => Assert.Equal("{item}", m.Unit));
    }

    [Fact]
    public async Task Run_LargeBacklog_RemovedInBatchesOfTheSetSize()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        for (var chunk = 0; chunk < 5; chunk++)
        {
            await _world.SaveAsync(db => db.OutboundMails.AddRange(Enumerable.Range(0, 250).Select(_ => Outbound(OutboundStatus.Sent, now.AddDays(-1), sentAt: now.AddDays(-1)))));
        }

        var result = await RunAsync();

        Assert.Equal(1250, result.OutboundBodies);
        // One measurement per batch of 100 (Retention:BatchSize), each its own transaction.
        var batches = _measurements.All.Where(m => m.Instrument == "clp.retention.removed" && m.Tags["clp.retention.kind"] == RetentionKinds.OutboundBody).ToList();
        Assert.Equal(13, batches.Count);
        Assert.All(batches.Take(12), b => Assert.Equal(100, b.Value));
        Assert.Equal(0, await _world.QueryAsync(db => db.OutboundMails.CountAsync(m => m.BodyRemovedAtUtc == null)));
        Assert.Equal(new RetentionResult(0, 0, 0, 0, 0), await RunAsync());
    }

    [Fact]
    public async Task Run_TwoRunsAtOnceOnOneDatabase_RemoveAndCountEachRowOnce()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 6; i++)
        {
            await ReplyAsync($"Reply {i}", withFile: i % 3 == 0);
        }

        await _world.SaveAsync(db => db.OutboundMails.AddRange(Enumerable.Range(0, 700).Select(_ => Outbound(OutboundStatus.Sent, now, sentAt: now))));
        await _world.SaveAsync(db => db.Set<SignInLink>().AddRange(Enumerable.Range(0, 300).Select(_ => Link(now, used: now))));
        _time.Advance(TimeSpan.FromDays(31));

        // Two gateways' jobs: each its own scope, context and connection.
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(RunAsync)));

        Assert.Equal(6, runs.Sum(r => r.InboundRaw));
        Assert.Equal(700, runs.Sum(r => r.OutboundBodies));
        Assert.Equal(300, runs.Sum(r => r.SignInLinks));
        Assert.Equal(1006, _measurements.All.Where(m => m.Instrument == "clp.retention.removed").Sum(m => m.Value));
        Assert.Equal(6, await _world.QueryAsync(db => db.InboundMails.CountAsync(m => m.RawRemovedAtUtc != null)));
    }

    private static readonly byte[] CueSheet = Encoding.UTF8.GetBytes("reel,tc in,tc out\n2,01:00:00:00,01:00:10:00\n");

    private Task<RetentionResult> RunAsync() =>
        _database.WithAsync(s => s.GetRequiredService<RetentionService>().RunAsync(CancellationToken.None));

    private Task<InboundStatus?> StatusAsync(long id) =>
        _world.QueryAsync(db => db.InboundMails.Where(m => m.Id == id).Select(m => (InboundStatus?)m.Status).SingleOrDefaultAsync());

    private Task<List<long>> RawRowsAsync() => _database.WithAsync(async s =>
    {
        var db = s.GetRequiredService<GatewayDbContext>();
        return await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "InboundMailRaws" ORDER BY "Id" """).ToListAsync();
    });

    /// <summary>A reply of Lea's to the French vendor channel, stored and threaded by the real pipeline.</summary>
    private async Task<(long Id, byte[] Raw)> ReplyAsync(string text, bool withFile)
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_lea.Id, _vendorFr.Id, CancellationToken.None));
        var body = new BodyBuilder { TextBody = text + "\n" };
        if (withFile)
        {
            body.Attachments.Add("cue-sheet.csv", CueSheet, new ContentType("text", "csv"));
        }

        var raw = await StoreAndThreadAsync(_lea.Emails[0].Address, $"reply+{token}@clp.test", "Re: [Title] Vendor", body.ToMessageBody());
        Assert.Equal(InboundStatus.Posted, await StatusAsync(raw.Id));
        return raw;
    }

    /// <summary>A mail to the gateway's address without a reply token, from nobody it knows: quarantined.</summary>
    private async Task<long> StrayAsync(string subject) =>
        (await StoreAndThreadAsync("someone@elsewhere.example", "reply@clp.test", subject, new TextPart("plain") { Text = "Hello\n" })).Id;

    private async Task<(long Id, byte[] Raw)> StoreAndThreadAsync(string from, string to, string subject, MimeEntity body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Date = _time.GetUtcNow();
        message.Body = body;
        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer);
        var raw = buffer.ToArray();
        var stored = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(Interlocked.Increment(ref _uid), raw)], CancellationToken.None));
        await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored.Select(r => r.Mail).ToList(), CancellationToken.None));
        return (stored[0].Mail.Id, raw);
    }

    private static OutboundMail Outbound(OutboundStatus status, DateTime created, DateTime? sentAt = null, int attempts = 1, string lineEnd = "\r\n")
    {
        var raw = string.Join(lineEnd, [
            "From: CLP <notifications@clp.test>", "To: lea@clp.test", "Subject: New message in Title · Vendor FR", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", string.Empty, "Secret body: the sign-in link and the message text.", "Second line.", string.Empty]);
        return new OutboundMail
        {
            Purpose = "notification",
            ToAddress = "lea@clp.test",
            EnvelopeFrom = "bounces@clp.test",
            Raw = Encoding.UTF8.GetBytes(raw),
            Status = status,
            CreatedAtUtc = created,
            NextAttemptAtUtc = created,
            Attempts = status == OutboundStatus.Pending ? attempts - 1 : attempts,
            SentAtUtc = sentAt,
            LastError = status == OutboundStatus.Failed ? "550 5.1.1 no such user" : null,
        };
    }

    private SignInLink Link(DateTime created, DateTime? used) => new()
    {
        SecretHash = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        UserId = _lea.Id,
        Address = _lea.Emails[0].Address,
        CreatedAtUtc = created,
        ExpiresAtUtc = created.AddMinutes(15),
        UsedAtUtc = used,
    };
}
