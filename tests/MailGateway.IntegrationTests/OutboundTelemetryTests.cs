using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Telemetry;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.IntegrationTests;

/// <summary>A notification's trace and counts through the real Postfix: its fan-out and each of its mails' sending in
/// one trace, each send counted by result and SMTP reply class.</summary>
[Collection(MailServersGroup.Name)]
public sealed class OutboundTelemetryTests(MailServersFixture servers) : IAsyncLifetime, IDisposable
{
    private readonly List<Activity> _sends = [];
    private readonly ActivityListener _listener = new();
    private GatewayHarness _gateway = null!;
    private MeasurementRecorder _metrics = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers);
        _listener.ShouldListenTo = source => source.Name == TelemetryNames.MailSource;
        _listener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _listener.ActivityStopped = activity =>
        {
            lock (_sends)
            {
                _sends.Add(activity);
            }
        };
        ActivitySource.AddActivityListener(_listener);
        await using var scope = _gateway.Database.Scope();
        _metrics = new MeasurementRecorder(scope.ServiceProvider.GetRequiredService<IMeterFactory>());
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Notification_FannedOutAndSent_OneTraceFromItsFanOutToEachSendAndEachSendCounted()
    {
        var (users, _) = await _gateway.PostToFollowersAsync(3);

        Assert.Equal(3, await _gateway.SendOutboxAsync());

        var outbox = await _gateway.OutboxAsync();
        Assert.Equal(3, outbox.Count);
        var parents = outbox.Select(m => m.TraceParent).Distinct().ToList();
        var parent = Assert.Single(parents); // one fan-out (one message) queued them all
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", parent);
        var ids = outbox.Select(m => m.Id).ToHashSet();
        List<Activity> sends;
        lock (_sends)
        {
            sends = _sends.Where(a => a.OperationName == "mail send" && a.GetTagItem("clp.outbound.id") is long id && ids.Contains(id)).ToList();
        }

        Assert.Equal(3, sends.Count);
        Assert.All(sends, s =>
        {
            Assert.Equal(parent, s.ParentId);
            Assert.Equal(250, s.GetTagItem("clp.smtp.reply_code"));
        });
        Assert.Equal(3, _metrics.Sum("clp.outbound.queued"));
        Assert.Equal(3, _metrics.Sum("clp.outbound.sends", ("clp.outbound.result", "sent"), ("clp.smtp.reply_class", "2"), ("clp.outbound.purpose", "notification")));
        Assert.Equal(3, _metrics.Of("clp.outbound.send.duration").Count);
        Assert.All(_metrics.All.SelectMany(m => m.Tags.Values), v => Assert.DoesNotContain("@", v ?? string.Empty, StringComparison.Ordinal));
        Assert.Equal(3, users.Count);
    }
}
