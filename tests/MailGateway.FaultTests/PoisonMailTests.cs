using System.Diagnostics;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.FaultTests.Support;
using ClpMailGateway.Inbound;
using Xunit.Abstractions;

namespace ClpMailGateway.FaultTests;

/// <summary>A mail built to end the process when it is parsed (HTML nested 64,000 deep, parsed on threads given only a
/// 1 MB stack, so that any recursion over its depth overflows it: a stack overflow, which no handler catches), stored
/// between two normal replies; the gateway is started again each time it dies, as a service manager would. Each attempt
/// is committed before the parse, so the mail is handled after at most Imap:MaxProcessingAttempts crashes (quarantined
/// unread), and the replies beside it are posted. With the analysis bounded in depth it does not crash at all.</summary>
[Collection(FaultGroup.Name)]
[Trait("Category", "Fault")]
public sealed class PoisonMailTests(FaultEnvironment environment, ITestOutputHelper output)
{
    [Fact]
    public async Task MailThatCrashesTheProcess_QuarantinedAfterTheAttemptLimit_TheRepliesBesideItPosted()
    {
        var clock = Stopwatch.StartNew();
        await using var gateway = await FaultGateway.CreateAsync(environment, extra: new Dictionary<string, string?> { ["Imap:ParseStackMegabytes"] = "1" });
        var before = gateway.Reply("before the poison");
        var after = gateway.Reply("after the poison");
        var poisonId = $"<poison-{Guid.NewGuid():N}@fault.test>";
        var poison = Encoding.ASCII.GetBytes(
            $"Message-ID: {poisonId}\r\nFrom: {gateway.Replier.Emails[0].Address}\r\nTo: {gateway.ReplyAddress}\r\nSubject: Re: deep\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/html\r\n\r\n<html><body>" + string.Concat(Enumerable.Repeat("<div>", 64_000)) + "text" + string.Concat(Enumerable.Repeat("</div>", 64_000)) + "</body></html>\r\n");
        foreach (var mail in new[] { before, poison, after })
        {
            await gateway.SendAsync(mail);
        }

        await KillLoopTests.WaitUntilAsync(() => Task.FromResult(gateway.InboxCount() >= 3), TimeSpan.FromSeconds(30));
        var max = new ImapOptions().MaxProcessingAttempts;
        var runs = 0;
        var crashes = 0;
        long peak = 0;
        var ids = new[] { before, after }.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m)).MessageId!).ToList();
        var postedAfterRuns = new Dictionary<string, int>();
        while (runs < max + 3)
        {
            var process = gateway.Start();
            runs++;
            var handled = false;
            var watch = Stopwatch.StartNew();
            while (!process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                var posts = await gateway.PostsBySourceAsync();
                foreach (var id in ids.Where(posts.ContainsKey))
                {
                    postedAfterRuns.TryAdd(id, runs);
                }

                var rows = await gateway.InboundAsync();
                if (rows.Count == 3 && rows.All(r => r.Status != InboundStatus.Pending))
                {
                    handled = true;
                    break;
                }

                await Task.Delay(50);
            }

            peak = Math.Max(peak, process.PeakBytes);
            if (process.HasExited)
            {
                crashes++;
            }

            await process.DisposeAsync();
            if (handled)
            {
                break;
            }
        }

        var inbound = await gateway.InboundAsync();
        var quarantined = inbound.SingleOrDefault(m => m.MessageId == poisonId.Trim('<', '>'));
        var finalPosts = await gateway.PostsBySourceAsync();
        var lost = ids.Count(id => !finalPosts.ContainsKey(id));
        var duplicated = finalPosts.Values.Sum(c => c - 1);
        var stuck = inbound.Count(m => m.Status == InboundStatus.Pending);
        var missed = new List<string>();
        // Posted (the analysis reads it within its depth caps) or quarantined (after the attempts, or at a limit): handled.
        KillLoopTests.Check(missed, quarantined is { Status: not InboundStatus.Pending }, $"the poison mail is {quarantined?.Status.ToString() ?? "missing"}");
        KillLoopTests.Check(missed, crashes <= max, $"{crashes} crashes, more than the {max} attempts");
        KillLoopTests.Check(missed, lost == 0 && duplicated == 0 && stuck == 0, $"{lost} replies lost, {duplicated} twice, {stuck} stuck");
        FaultEnvironment.Report.Add(new FaultRow(
            "Poison mail that overflows the parse stack, between two replies", runs, lost, duplicated, stuck, peak, clock.Elapsed,
            $"{crashes} crashes; poison {quarantined?.Status.ToString().ToLowerInvariant()} {quarantined?.Reason} after {quarantined?.Attempts} attempts; "
            + $"replies posted after start {string.Join(" and ", ids.Select(id => postedAfterRuns.GetValueOrDefault(id)))}",
            missed));
        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        output.WriteLine(string.Join('\n', inbound.Select(m => $"{m.Id} {m.MessageId} {m.Status} {m.Reason} attempts {m.Attempts}: {m.ReasonDetail}")));
        Assert.Empty(missed);
    }
}
