using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;
using Xunit.Abstractions;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// The outbox's promise under SIGKILL: the real executable (<c>run</c>) sends a fan-out to a server in the test process
/// that records every mail it accepts, and is killed mid-send again and again. After each kill, the mails the server has
/// accepted but the outbox still holds Pending are those it will send again: never more than one per SMTP connection.
/// At the end every mail has arrived, and no more copies than the kills left in doubt.
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed class OutboxCrashTests(MailServersFixture servers, ITestOutputHelper output)
{
    private const int Mails = 900;
    private const int Kills = 10;
    private const int Connections = 4;

    [Fact]
    public async Task Run_KilledMidSendRepeatedly_ResendsAtMostOneMailPerConnectionPerKill()
    {
        // Each acceptance takes a moment, as a relay's does, so that a kill finds every connection mid-mail.
        await using var sink = new ScriptedSmtpServer
        {
            ContentReply = _ =>
            {
                Thread.Sleep(2);
                return "250 2.0.0 Ok: queued";
            },
        };
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        // One process at a time, killed by the test.
        await using var processes = new GatewayProcesses(gateway, sink.Port, new Dictionary<string, string>
        {
            ["Imap__UseIdle"] = "false",
            ["Imap__PollInterval"] = "00:10:00",
            ["Smtp__Connections"] = Connections.ToString(CultureInfo.InvariantCulture),
            ["Smtp__OutboxInterval"] = "00:00:00.200",
            // The next process takes the killed one's claimed mails over when their lease ends: the shortest lease.
            ["Database__ClaimLease"] = "00:00:02",
        });
        var (users, _) = await gateway.PostToFollowersAsync(Mails);
        var addresses = users.Select(u => u.Emails[0].Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var random = new Random(23);
        var inDoubt = new List<int>();
        // A run may send more than its target before the kill lands; once every mail is out there is nothing to kill mid-send.
        bool AllDelivered() => addresses.IsSubsetOf(sink.Received.Select(r => r.To));

        for (var kill = 0; kill < Kills; kill++)
        {
            var before = sink.Received.Count;
            var process = processes.Start();
            try
            {
                // Kill once this run has sent some mails: somewhere in the middle of the fan-out.
                var target = before + random.Next(20, 45);
                // A liveness bound, generous for a loaded machine: each run's sending pauses near the end of its 2 s lease.
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
                while (sink.Received.Count < target && !AllDelivered() && DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(5);
                }

                Assert.False(process.HasExited, $"the gateway exited by itself ({(process.HasExited ? process.ExitCode : 0)})");
                Assert.True(sink.Received.Count >= target || AllDelivered(), $"kill {kill}: the gateway sent {sink.Received.Count - before} mails in 180 s");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            // Accepted by the server, not recorded as Sent: what the next run sends again.
            var pending = (await gateway.OutboxAsync()).Where(m => m.Status == OutboundStatus.Pending).Select(m => m.ToAddress).ToHashSet(StringComparer.OrdinalIgnoreCase);
            inDoubt.Add(sink.Received.Select(r => r.To).Distinct(StringComparer.OrdinalIgnoreCase).Count(pending.Contains));
        }

        // One last run to the end.
        var last = processes.Start();
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while ((await gateway.OutboxAsync()).Any(m => m.Status == OutboundStatus.Pending) && DateTime.UtcNow < end)
        {
            await Task.Delay(200);
        }

        await GatewayProcesses.KillAsync(last);

        var copies = sink.Received.GroupBy(r => r.To, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var resent = copies.Values.Sum(c => c - 1);
        output.WriteLine($"{Kills} kills, {Connections} connections: resent per kill {string.Join(", ", inDoubt)} (at most {inDoubt.Max()}); {resent} copies in all");
        Assert.All(await gateway.OutboxAsync(), m => Assert.Equal(OutboundStatus.Sent, m.Status));
        Assert.True(addresses.SetEquals(copies.Keys), "every notification arrived, and nothing else");
        Assert.All(inDoubt, n => Assert.InRange(n, 0, Connections));
        Assert.Equal(inDoubt.Sum(), resent);
    }
}
