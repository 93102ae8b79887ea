using System.Diagnostics;
using ClpMailGateway.Domain;
using ClpMailGateway.FaultTests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ClpMailGateway.FaultTests;

/// <summary>Dovecot, then Postfix, stopped under load and started again, the gateway running throughout: it recovers by
/// itself (the same process), loses nothing, and logs the outage in a few lines without stack traces.</summary>
[Collection(FaultGroup.Name)]
[Trait("Category", "Fault")]
public sealed class OutageTests(FaultEnvironment environment, ITestOutputHelper output)
{
    private static TimeSpan OutageLength => FaultEnvironment.Full ? TimeSpan.FromSeconds(120) : TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Dovecot_StoppedUnderLoadThenStarted_SameProcessPostsEveryReplyOnce()
    {
        var clock = Stopwatch.StartNew();
        await using var gateway = await FaultGateway.CreateAsync(environment);
        await using var process = await gateway.StartRunningAsync();
        var mails = Enumerable.Range(0, 30).Select(i => gateway.Reply($"during the outage {i}")).ToList();
        foreach (var mail in mails.Take(10))
        {
            await gateway.SendAsync(mail);
        }

        await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= 10, TimeSpan.FromSeconds(60));
        var down = DateTime.UtcNow;
        await environment.MailServersAsync("outage", "dovecot");
        foreach (var mail in mails.Skip(10).Take(10))
        {
            await gateway.SendAsync(mail); // Postfix queues them: Dovecot's LMTP is gone
        }

        await Task.Delay(OutageLength);
        await environment.MailServersAsync("resume", "dovecot");
        var up = DateTime.UtcNow;
        foreach (var mail in mails.Skip(20))
        {
            await gateway.SendAsync(mail);
        }

        await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= mails.Count, TimeSpan.FromSeconds(240));
        var recovered = DateTime.UtcNow;
        await RecordAsync(gateway, process, "Dovecot stopped under load, started again", mails, down, up, recovered, clock);
    }

    [Fact]
    public async Task Postfix_StoppedWhileNotificationsWait_SameProcessSendsEveryOneOnce()
    {
        var clock = Stopwatch.StartNew();
        await using var gateway = await FaultGateway.CreateAsync(environment);
        var followers = await gateway.FollowersAsync(FaultEnvironment.Full ? 200 : 40);
        var author = await gateway.World.UserAsync(UserRole.Pm);
        await using var process = await gateway.StartRunningAsync();
        var down = DateTime.UtcNow;
        await environment.MailServersAsync("outage", "postfix");
        await gateway.BroadcastAsync(author, "Posted while the relay is down");
        await Task.Delay(OutageLength);
        await environment.MailServersAsync("resume", "postfix");
        var up = DateTime.UtcNow;
        await KillLoopTests.WaitUntilAsync(
            async () => await gateway.World.QueryAsync(db => db.OutboundMails.CountAsync(m => m.Status == OutboundStatus.Sent)) >= followers.Count,
            TimeSpan.FromSeconds(600));
        var recovered = DateTime.UtcNow;
        await environment.WaitForEmptyQueueAsync(TimeSpan.FromSeconds(60));
        var copies = followers.Select(f => environment.MaildirFiles(f.Handle).Count()).ToList();
        var lost = copies.Count(c => c == 0);
        var duplicated = copies.Sum(c => Math.Max(0, c - 1));
        var stuck = await gateway.World.QueryAsync(db => db.OutboundMails.CountAsync(m => m.Status != OutboundStatus.Sent));
        Record(process, $"Postfix stopped with {followers.Count} notifications waiting, started again", lost, duplicated, stuck, down, up, recovered, clock);
    }

    private async Task RecordAsync(FaultGateway gateway, GatewayProcess process, string scenario, List<byte[]> mails, DateTime down, DateTime up, DateTime recovered, Stopwatch clock)
    {
        var ids = mails.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m)).MessageId!).ToList();
        var posts = await gateway.PostsBySourceAsync();
        var lost = ids.Count(id => !posts.ContainsKey(id));
        var duplicated = posts.Values.Sum(c => c - 1);
        var stuck = await gateway.PendingInboundAsync() + gateway.InboxCount();
        Record(process, scenario, lost, duplicated, stuck, down, up, recovered, clock);
    }

    private void Record(GatewayProcess process, string scenario, int lost, int duplicated, int stuck, DateTime down, DateTime up, DateTime recovered, Stopwatch clock)
    {
        var during = process.LinesBetween(down, up);
        var errors = during.Count(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" warn: ", StringComparison.Ordinal));
        var frames = GatewayProcess.StackFrames(during);
        var missed = new List<string>();
        KillLoopTests.Check(missed, !process.HasExited, "the gateway exited");
        KillLoopTests.Check(missed, lost == 0, $"{lost} lost");
        KillLoopTests.Check(missed, duplicated == 0, $"{duplicated} twice");
        KillLoopTests.Check(missed, stuck == 0, $"{stuck} stuck");
        KillLoopTests.Check(missed, frames == 0, $"{frames} stack-trace lines in the log during the outage");
        FaultEnvironment.Report.Add(new FaultRow(
            scenario, 1, lost, duplicated, stuck, process.PeakBytes, clock.Elapsed,
            $"down {(up - down).TotalSeconds:0} s; recovered {(recovered - up).TotalSeconds:0.0} s after it came back, no restart; {errors} warning/error lines, {frames} stack-trace lines while down",
            missed));
        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        output.WriteLine(string.Join('\n', during));
        Assert.Empty(missed);
    }
}
