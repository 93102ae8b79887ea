using System.Diagnostics;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ClpMailGateway.IntegrationTests;

/// <summary>IMAP IDLE against the real Dovecot: a reply is posted within seconds of SMTP acceptance, without waiting
/// for the scheduled poll.</summary>
[Collection(MailServersGroup.Name)]
public sealed class ImapIdleListenerTests(MailServersFixture servers, ITestOutputHelper output)
{
    [Fact]
    public async Task Idle_ReplyArrives_IsPostedWithoutAScheduledPoll_StatusConnectedUntilStopped()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        var title = await gateway.World.TitleAsync("fr");
        var vendor = await gateway.World.VendorAsync(title, "fr");
        var user = await gateway.World.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        var channel = World.Channel(title, "vendor-fr");
        var token = await gateway.IssueTokenAsync(user, channel);
        using var trigger = new PollingTrigger(gateway);
        var status = new PollStatus(TimeProvider.System);
        var (options, logins) = await gateway.Database.WithAsync(s => Task.FromResult((s.GetRequiredService<IOptions<ImapOptions>>(), s.GetRequiredService<ClpMailGateway.MailAuth.MailLogins>())));
        using var listener = new ImapIdleListener(
            options, logins, trigger, new ClpMailGateway.Storage.InProcessMailboxLocks(), new ClpMailGateway.Hosting.FailureLog(TimeProvider.System, NullLogger<ClpMailGateway.Hosting.FailureLog>.Instance), status, TimeProvider.System, NullLogger<ImapIdleListener>.Instance);
        using var stop = new CancellationTokenSource();
        await listener.StartAsync(stop.Token);
        await trigger.WaitForPollsAsync(1); // the catch-up poll at connect
        Assert.True(status.Current.IdleConnected);

        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var reply = Mails.Reply(user.Emails[0].Address, gateway.ReplyAddress(token), $"Reply number {i}");
            await gateway.SendAsync(reply);
            var accepted = Stopwatch.StartNew();
            await WaitUntilAsync(() => gateway.World.QueryAsync(db => db.Messages.AnyAsync(m => m.SourceMessageId == reply.MessageId)), TimeSpan.FromSeconds(30));
            latencies.Add(accepted.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(5, (await gateway.MessagesAsync(channel)).Count);
        Assert.False(status.Current.IdleConnected);
        Assert.Equal("the gateway is stopping", status.Current.IdleCause);
        output.WriteLine($"IDLE: SMTP acceptance to visible, ms: {string.Join(", ", latencies.Select(l => l.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public async Task Idle_ServerRefusesLogin_KeepsRetryingWithoutCrashing_StatusNamesTheCause()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Imap:Password"] = "wrong",
            ["Imap:ReconnectMinDelay"] = "00:00:00.050",
            ["Imap:ReconnectMaxDelay"] = "00:00:00.200",
        });
        using var trigger = new PollingTrigger(gateway);
        var status = new PollStatus(TimeProvider.System);
        var (options, logins) = await gateway.Database.WithAsync(s => Task.FromResult((s.GetRequiredService<IOptions<ImapOptions>>(), s.GetRequiredService<ClpMailGateway.MailAuth.MailLogins>())));
        using var listener = new ImapIdleListener(
            options, logins, trigger, new ClpMailGateway.Storage.InProcessMailboxLocks(), new ClpMailGateway.Hosting.FailureLog(TimeProvider.System, NullLogger<ClpMailGateway.Hosting.FailureLog>.Instance), status, TimeProvider.System, NullLogger<ImapIdleListener>.Instance);

        await listener.StartAsync(CancellationToken.None);
        await Task.Delay(1000);
        var stillRunning = listener.ExecuteTask is { IsCompleted: false };
        var whileRetrying = status.Current;
        await listener.StopAsync(CancellationToken.None);

        Assert.True(stillRunning, "the listener must survive a refused login and keep retrying");
        Assert.Equal(0, trigger.Polls);
        Assert.False(whileRetrying.IdleConnected);
        Assert.StartsWith("AuthenticationException: ", whileRetrying.IdleCause, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within " + timeout);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Runs a poll for each trigger, one at a time, as the Quartz job would.</summary>
    private sealed class PollingTrigger(GatewayHarness gateway) : IPollTrigger, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private int _polls;

        public int Polls => Volatile.Read(ref _polls);

        public void Dispose() => _gate.Dispose();

        public async Task TriggerAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await gateway.PollAsync();
                Interlocked.Increment(ref _polls);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task WaitForPollsAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Polls < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }
    }
}
