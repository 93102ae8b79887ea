using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>The outbox writer's prepared UPDATE writes what EF reads back, column for column, on real SQLite.</summary>
public sealed class OutcomeUpdateTests : IAsyncLifetime
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
            await using var update = OutcomeUpdate.Prepare(db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            update.Enlist((SqliteTransaction)transaction.GetDbTransaction());
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
        Assert.Equal((OutboundStatus.Sent, 1, (DateTime?)sentAt, (string?)null, Created), (sent.Status, sent.Attempts, sent.SentAtUtc, sent.LastError, sent.NextAttemptAtUtc));
        Assert.Equal("u0@clp.test", sent.ToAddress);
        Assert.Equal(new byte[] { (byte)'A', 0 }, sent.Raw);
        var failed = rows.Single(m => m.Id == failedId);
        Assert.Equal((OutboundStatus.Failed, 3, (DateTime?)null, (string?)"550 5.1.1 \"quoted\" user unknown", retryAt), (failed.Status, failed.Attempts, failed.SentAtUtc, failed.LastError, failed.NextAttemptAtUtc));
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
            await using var update = OutcomeUpdate.Prepare(db);
            var gone = Mail("gone@clp.test", []);
            gone.Id = 4242;
            gone.Status = OutboundStatus.Sent;
            return await Assert.ThrowsAsync<InvalidOperationException>(() => update.ExecuteAsync(gone));
        });
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
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
