using System.Diagnostics.Metrics;
using ClpMailGateway.Domain;
using ClpMailGateway.Telemetry;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Telemetry;

/// <summary>The outbox's gauges: depth, the age of the oldest due mail, suppressed addresses, as the sampler reads them
/// from the database; nothing is reported before the first sample.</summary>
public sealed class OutboxSamplerTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _time = new(Now);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(timeProvider: _time);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Sample_PendingDueWaitingSentAndSuppressed_GaugesReportWhatIsDue()
    {
        await new World(_database).SaveAsync(db =>
        {
            db.OutboundMails.AddRange(
                Mail(OutboundStatus.Pending, created: Now.AddMinutes(-12), next: Now.AddMinutes(-1)), // due, 12 minutes old
                Mail(OutboundStatus.Pending, created: Now.AddMinutes(-30), next: Now.AddMinutes(5)), // older, but waiting for its retry
                Mail(OutboundStatus.Pending, created: Now.AddMinutes(-2), next: Now),
                Mail(OutboundStatus.Sent, created: Now.AddHours(-3), next: Now.AddHours(-3)),
                Mail(OutboundStatus.Failed, created: Now.AddHours(-2), next: Now.AddHours(-2)));
            db.AddressHealth.AddRange(
                new AddressHealth { Address = "gone@vendor.example", SuppressedAtUtc = Now.AddDays(-1) },
                new AddressHealth { Address = "flaky@vendor.example", TransientBounces = 1 });
        });
        using var recorder = new MeasurementRecorder(_database.Scope().ServiceProvider.GetRequiredService<IMeterFactory>());
        Assert.Empty(recorder.Of("clp.outbound.depth"));

        var sampler = ActivatorUtilities.CreateInstance<OutboxSampler>(_database.Scope().ServiceProvider);
        var sample = await sampler.SampleAsync(CancellationToken.None);
        _database.Scope().ServiceProvider.GetRequiredService<OutboundMetrics>().Sampled(sample);

        Assert.Equal(new OutboxSample(3, TimeSpan.FromMinutes(12), 1), sample);
        Assert.Equal(3, Assert.Single(recorder.Of("clp.outbound.depth")).Value);
        Assert.Equal(720, Assert.Single(recorder.Of("clp.outbound.oldest_due.age")).Value);
        Assert.Equal(1, Assert.Single(recorder.Of("clp.outbound.suppressed_addresses")).Value);
    }

    [Fact]
    public async Task Sample_EmptyOutbox_NothingDue()
    {
        var sampler = ActivatorUtilities.CreateInstance<OutboxSampler>(_database.Scope().ServiceProvider);

        Assert.Equal(new OutboxSample(0, TimeSpan.Zero, 0), await sampler.SampleAsync(CancellationToken.None));
    }

    private static OutboundMail Mail(OutboundStatus status, DateTime created, DateTime next) => new()
    {
        Purpose = OutboundPurposes.Notification,
        ToAddress = "someone@vendor.example",
        EnvelopeFrom = "reply+bounces@clp.test",
        Raw = [1],
        Status = status,
        CreatedAtUtc = created,
        NextAttemptAtUtc = next,
    };
}
