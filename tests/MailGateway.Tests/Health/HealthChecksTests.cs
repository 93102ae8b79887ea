using ClpMailGateway.Domain;
using ClpMailGateway.Health;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Health;

/// <summary>The readiness checks that read the database: the database itself, the age of the last read of the mailbox,
/// the outbox's oldest due mail.</summary>
public sealed class HealthChecksTests : IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(Start));
    private readonly ImapOptions _imap = new() { Username = "reply@clp.test", Mailbox = "INBOX", PollInterval = TimeSpan.FromSeconds(30) };
    private readonly HealthOptions _health = new();
    private TestDatabase _database = null!;
    private World _world = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _world = new World(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Database_Migrated_Healthy()
    {
        var result = await CheckAsync(db => new DatabaseHealthCheck(db));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.True((int)result.Data["migrations"] > 0);
    }

    [Fact]
    public async Task Database_EmptyFile_UnhealthyNamingTheMissingSchema()
    {
        var empty = Path.Combine(_database.Folder, "empty.db");
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddGatewayStorage(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Gateway"] = $"Data Source={empty}" }).Build())
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();

        var result = await new DatabaseHealthCheck(scope.ServiceProvider.GetRequiredService<GatewayDbContext>()).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the Sqlite database has no schema (not migrated)", result.Description);
    }

    [Fact]
    public async Task Poll_NewProcessNoPollYet_HealthyForThreeIntervals_ThenUnhealthyNamingWhy()
    {
        var status = new PollStatus(_time);
        _time.Advance(TimeSpan.FromSeconds(90));
        var early = await CheckAsync(db => Poll(db, status));
        _time.Advance(TimeSpan.FromSeconds(1));

        var late = await CheckAsync(db => Poll(db, status));

        Assert.Equal(HealthStatus.Healthy, early.Status);
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
        Assert.StartsWith("reply@clp.test/INBOX has not been read since this process started 91 s ago (limit 90 s: 3 poll intervals)", late.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_MailboxReadByAnyProcessLately_Healthy_TooLongAgo_UnhealthyWithTheLastFailure()
    {
        var status = new PollStatus(_time);
        await SetCheckpointAsync(Start.AddMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(6));
        var fresh = await CheckAsync(db => Poll(db, status));

        _time.Advance(TimeSpan.FromSeconds(60));
        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() =>
            status.TrackAsync<int>(_ => throw new MailKit.Security.AuthenticationException("Authentication failed."), CancellationToken.None));
        var stale = await CheckAsync(db => Poll(db, status));

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(60.0, (double)fresh.Data["age_seconds"]);
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Equal(
            "reply@clp.test/INBOX was last read 120 s ago (limit 90 s: 3 poll intervals); the last poll failed at 10:07:00 UTC: AuthenticationException: Authentication failed.",
            stale.Description);
        Assert.Equal("AuthenticationException: Authentication failed.", stale.Data["last_failure_cause"]);
    }

    [Fact]
    public async Task Poll_MissedPollsSetting_ChangesTheLimit()
    {
        _health.MissedPolls = 10;
        var status = new PollStatus(_time);
        _time.Advance(TimeSpan.FromSeconds(299));

        var result = await CheckAsync(db => Poll(db, status));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(300.0, result.Data["limit_seconds"]);
    }

    [Fact]
    public async Task Outbox_Empty_Healthy()
    {
        var result = await CheckAsync(db => Outbox(db));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(0, result.Data["due"]);
    }

    [Fact]
    public async Task Outbox_OldestDueMailOlderThanTheLimit_UnhealthyWithCountAndAge_NotYetDueAndSentNotCounted()
    {
        await QueueAsync(Start, Start.AddMinutes(1), OutboundStatus.Pending); // due, queued 20 min before the check
        await QueueAsync(Start.AddMinutes(10), Start.AddMinutes(10), OutboundStatus.Pending); // due
        await QueueAsync(Start.AddMinutes(-60), Start.AddMinutes(30), OutboundStatus.Pending); // backing off: not due yet
        await QueueAsync(Start.AddMinutes(-90), Start.AddMinutes(-90), OutboundStatus.Sent);
        await QueueAsync(Start.AddMinutes(-90), Start.AddMinutes(-90), OutboundStatus.Failed);
        _time.Advance(TimeSpan.FromMinutes(20));

        var result = await CheckAsync(db => Outbox(db));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the oldest of 2 mails due for sending was queued 20.0 min ago (limit 15.0 min)", result.Description);
        Assert.Equal(1200.0, result.Data["oldest_due_age_seconds"]);
    }

    [Fact]
    public async Task Outbox_OldestDueMailWithinTheLimit_Healthy()
    {
        await QueueAsync(Start, Start, OutboundStatus.Pending);
        _time.Advance(TimeSpan.FromMinutes(14));

        var result = await CheckAsync(db => Outbox(db));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1, result.Data["due"]);
    }

    private PollHealthCheck Poll(GatewayDbContext db, PollStatus status) =>
        new(db, status, Options.Create(_imap), Options.Create(_health), _time);

    private OutboxHealthCheck Outbox(GatewayDbContext db) => new(db, Options.Create(_health), _time);

    private async Task<HealthCheckResult> CheckAsync(Func<GatewayDbContext, IHealthCheck> check)
    {
        await using var scope = _database.Scope();
        return await check(scope.ServiceProvider.GetRequiredService<GatewayDbContext>()).CheckHealthAsync(new HealthCheckContext());
    }

    private Task SetCheckpointAsync(DateTime readAt) =>
        _world.SaveAsync(db => db.MailboxCheckpoints.Add(new MailboxCheckpoint { Mailbox = "reply@clp.test/INBOX", UidValidity = 1, LastUid = 5, UpdatedAtUtc = readAt }));

    private Task QueueAsync(DateTime created, DateTime nextAttempt, OutboundStatus status) =>
        _world.SaveAsync(db => db.OutboundMails.Add(new OutboundMail
        {
            Purpose = "test", ToAddress = "a@x.test", EnvelopeFrom = "b@x.test", Raw = [1], Status = status,
            CreatedAtUtc = created, NextAttemptAtUtc = nextAttempt, SentAtUtc = status == OutboundStatus.Sent ? nextAttempt : null,
        }));
}
