using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Storage;

/// <summary>The prepared single-row statements (the outbox writer's outcome UPDATE, the inbound store's INSERT and the
/// threaded mail's outcome UPDATE) write what EF reads back, column for column, on real SQLite.</summary>
public sealed class PreparedRowsTests : IAsyncLifetime
{
    private static readonly DateTime Created = new(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Execute_SentAndFailedOutcomes_AreReadBackByEfExactlyAndLeaveTheRenderedMailAlone()
    {
        var (sentId, failedId, untouchedId) = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            var mails = Enumerable.Range(0, 3).Select(i => Mail($"u{i}@clp.test", [(byte)'A', (byte)i])).ToList();
            db.OutboundMails.AddRange(mails);
            await db.SaveChangesAsync();
            return (mails[0].Id, mails[1].Id, mails[2].Id);
        });
        var sentAt = Created.AddTicks(1234567);
        var retryAt = Created.AddMinutes(5).AddTicks(7);

        await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var update = OutboxSender.PrepareOutcome(db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            update.Enlist(transaction.GetDbTransaction());
            await update.ExecuteAsync(new OutboundMail
            {
                Id = sentId, Purpose = "x", ToAddress = "x", EnvelopeFrom = "x", Raw = [],
                Status = OutboundStatus.Sent, Attempts = 1, SentAtUtc = sentAt, LastError = null, NextAttemptAtUtc = Created,
            });
            await update.ExecuteAsync(new OutboundMail
            {
                Id = failedId, Purpose = "x", ToAddress = "x", EnvelopeFrom = "x", Raw = [],
                Status = OutboundStatus.Failed, Attempts = 3, SentAtUtc = null, LastError = "550 5.1.1 \"quoted\" user unknown", NextAttemptAtUtc = retryAt,
            });
            await transaction.CommitAsync();
            return 0;
        });

        var rows = await _database.WithAsync(async services =>
            await services.GetRequiredService<GatewayDbContext>().OutboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        var sent = rows.Single(m => m.Id == sentId);
        Assert.Equal((OutboundStatus.Sent, 1, TestDatabase.Stored((DateTime?)sentAt), (string?)null, Created), (sent.Status, sent.Attempts, sent.SentAtUtc, sent.LastError, sent.NextAttemptAtUtc));
        Assert.Equal("u0@clp.test", sent.ToAddress);
        Assert.Equal(new byte[] { (byte)'A', 0 }, sent.Raw);
        var failed = rows.Single(m => m.Id == failedId);
        Assert.Equal((OutboundStatus.Failed, 3, (DateTime?)null, (string?)"550 5.1.1 \"quoted\" user unknown", TestDatabase.Stored(retryAt)), (failed.Status, failed.Attempts, failed.SentAtUtc, failed.LastError, failed.NextAttemptAtUtc));
        var untouched = rows.Single(m => m.Id == untouchedId);
        Assert.Equal((OutboundStatus.Pending, 0, (DateTime?)null), (untouched.Status, untouched.Attempts, untouched.SentAtUtc));

        // EF's own queries still match the written values (the status is stored as its name, the dates as EF writes them).
        var pendingOrDue = await _database.WithAsync(async services =>
            await services.GetRequiredService<GatewayDbContext>().OutboundMails
                .CountAsync(m => m.Status == OutboundStatus.Failed && m.NextAttemptAtUtc == retryAt && m.SentAtUtc == null));
        Assert.Equal(1, pendingOrDue);
    }

    [Fact]
    public async Task Execute_RowGone_Throws()
    {
        var error = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var update = OutboxSender.PrepareOutcome(db);
            var gone = Mail("gone@clp.test", []);
            gone.Id = 4242;
            gone.Status = OutboundStatus.Sent;
            return await Assert.ThrowsAsync<InvalidOperationException>(() => update.ExecuteAsync(gone));
        });
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insert_InboundMail_EveryColumnIsReadBackByEfAndTheRawRowIsLeftToTheCaller()
    {
        var received = Created.AddTicks(4321);
        var receivedAsStored = TestDatabase.Stored(received);
        var row = new InboundMail
        {
            Mailbox = "gw@clp.test/INBOX",
            UidValidity = 77,
            Uid = 12,
            MessageId = "<a'b\"c@example.com>",
            Sha256 = new string('f', 64),
            Raw = [1, 2, 3],
            SizeBytes = 3,
            FromAddress = null,
            Subject = "Réponse · 返信",
            ReceivedAtUtc = received,
            Trace = """[{"step":"stored"}]""",
        };

        var id = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var insert = RowInsert<InboundMail>.Prepare(db);
            var first = await insert.ExecuteAsync(row, CancellationToken.None);
            var second = await insert.ExecuteAsync(new InboundMail { Mailbox = "m", MessageId = "<other@x>", Sha256 = new string('0', 64), Raw = [] }, CancellationToken.None);
            Assert.Equal(first + 1, second);
            // The raw bytes live in a table of their own, which the statement does not touch.
            await using var raw = db.CreateCommand();
            raw.CommandText = "INSERT INTO \"InboundMailRaws\" (\"Id\", \"Raw\") VALUES (@id, @bytes), (@second, @none)";
            raw.Add("id", first);
            raw.Add("bytes", new byte[] { 1, 2, 3 });
            raw.Add("second", second);
            raw.Add("none", Array.Empty<byte>());
            await raw.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return first;
        });

        var read = await _database.WithAsync(async services =>
            await services.GetRequiredService<GatewayDbContext>().InboundMails.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal(
            (row.Mailbox, row.UidValidity, row.Uid, row.MessageId, row.Sha256, row.SizeBytes, row.FromAddress, row.Subject, TestDatabase.Stored(received), InboundStatus.Pending, 0, row.Trace),
            (read.Mailbox, read.UidValidity, read.Uid, read.MessageId, read.Sha256, read.SizeBytes, read.FromAddress, read.Subject, read.ReceivedAtUtc, read.Status, read.Attempts, read.Trace));
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Raw);
        Assert.Null(read.ProcessedAtUtc);
        Assert.Equal(1, await _database.WithAsync(async services =>
            await services.GetRequiredService<GatewayDbContext>().InboundMails.CountAsync(m => m.Status == InboundStatus.Pending && m.ReceivedAtUtc == receivedAsStored)));
    }

    [Fact]
    public async Task Update_InboundOutcome_WritesTheNamedColumnsOnly()
    {
        var id = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            var mail = new InboundMail { Mailbox = "m", MessageId = "<x@y>", Sha256 = new string('a', 64), Raw = [9], Subject = "kept" };
            db.InboundMails.Add(mail);
            await db.SaveChangesAsync();
            return mail.Id;
        });
        var processed = Created.AddMinutes(1);

        await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var update = RowUpdate<InboundMail>.Prepare(
                db, nameof(InboundMail.Id), nameof(InboundMail.Status), nameof(InboundMail.Reason), nameof(InboundMail.ProcessedAtUtc), nameof(InboundMail.Attempts));
            await update.ExecuteAsync(new InboundMail
            {
                Id = id, Mailbox = "ignored", MessageId = "ignored", Sha256 = "ignored", Raw = [], Subject = "ignored",
                Status = InboundStatus.Rejected, Reason = "no_token", ProcessedAtUtc = processed, Attempts = 2,
            });
            await transaction.CommitAsync();
            return 0;
        });

        var read = await _database.WithAsync(async services =>
            await services.GetRequiredService<GatewayDbContext>().InboundMails.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal((InboundStatus.Rejected, "no_token", TestDatabase.Stored((DateTime?)processed), 2), (read.Status, read.Reason, read.ProcessedAtUtc, read.Attempts));
        Assert.Equal(("m", "<x@y>", "kept"), (read.Mailbox, read.MessageId, read.Subject));
        Assert.Equal(new byte[] { 9 }, read.Raw);
    }

    [Fact]
    public async Task Prepare_PropertyNotAColumnOfTheMainTable_Throws()
    {
        var error = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await db.Database.OpenConnectionAsync();
            return Assert.Throws<InvalidOperationException>(() => RowUpdate<InboundMail>.Prepare(db, nameof(InboundMail.Id), nameof(InboundMail.Raw)));
        });
        Assert.Contains("Raw", error.Message, StringComparison.Ordinal);
    }

    private static OutboundMail Mail(string to, byte[] raw) => new()
    {
        Purpose = OutboundPurposes.Notification,
        ToAddress = to,
        EnvelopeFrom = "reply@clp.test",
        Raw = raw,
        CreatedAtUtc = Created,
        NextAttemptAtUtc = Created,
    };
}
