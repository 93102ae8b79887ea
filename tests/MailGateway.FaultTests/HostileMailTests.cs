using System.Diagnostics;
using ClpMailGateway.Domain;
using ClpMailGateway.FaultTests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ClpMailGateway.FaultTests;

/// <summary>Each hostile mail (<see cref="HostileMails"/>) delivered through Postfix to the running gateway, a normal
/// reply right behind it: the hostile one is handled (posted, or quarantined with a reason) within 10 s and 300 MB, and
/// the normal one is posted.</summary>
[Collection(FaultGroup.Name)]
[Trait("Category", "Fault")]
public sealed class HostileMailTests(FaultEnvironment environment, ITestOutputHelper output)
{
    private static readonly TimeSpan TimeTarget = TimeSpan.FromSeconds(10);
    private const long MemoryTarget = 300L * 1024 * 1024;

    [Fact]
    public async Task HostileMails_EachHandledWithinLimits_TheNextNormalReplyPosted()
    {
        await using var gateway = await FaultGateway.CreateAsync(environment);
        var process = await gateway.StartRunningAsync();
        var runs = 1;
        var failures = new List<string>();
        try
        {
            foreach (var (name, raw) in HostileMails.All(gateway.Replier.Emails[0].Address, gateway.ReplyAddress, FaultEnvironment.Full))
            {
                var clock = Stopwatch.StartNew();
                var known = (await gateway.InboundAsync()).Select(m => m.Id).ToHashSet();
                var normal = gateway.Reply("the normal reply after " + name);
                var normalId = MimeKit.MimeMessage.Load(new MemoryStream(normal)).MessageId!;
                process.ResetPeak();
                var sent = Stopwatch.StartNew();
                var sentAt = DateTime.UtcNow;
                string? refusedByMta = null;
                try
                {
                    await gateway.SendAsync(raw);
                }
                catch (IOException ex)
                {
                    refusedByMta = ex.Message;
                }

                await gateway.SendAsync(normal);
                TimeSpan? handledAfter = null;
                InboundMail? hostile = null;
                var restarts = 0;
                var deadline = TimeSpan.FromSeconds(60);
                while (sent.Elapsed < deadline)
                {
                    if (process.HasExited)
                    {
                        // It died (a crash no handler catches): started again, as a service manager would.
                        await process.DisposeAsync();
                        process = await gateway.StartRunningAsync();
                        runs++;
                        restarts++;
                    }

                    var rows = (await gateway.InboundAsync()).Where(m => !known.Contains(m.Id)).ToList();
                    hostile = rows.FirstOrDefault(m => m.MessageId != normalId);
                    if (hostile is { Status: not InboundStatus.Pending } && handledAfter is null)
                    {
                        handledAfter = sent.Elapsed;
                    }

                    if ((handledAfter is not null || refusedByMta is not null) && (await gateway.PostsBySourceAsync()).ContainsKey(normalId))
                    {
                        break;
                    }

                    await Task.Delay(25);
                }

                var normalPosted = (await gateway.PostsBySourceAsync()).ContainsKey(normalId);
                var steps = hostile is null ? string.Empty
                    : $" (stored {(hostile.ReceivedAtUtc - sentAt).TotalSeconds:0.0} s after it was sent, handled {((hostile.ProcessedAtUtc ?? DateTime.UtcNow) - hostile.ReceivedAtUtc).TotalSeconds:0.0} s after it was stored)";
                var peak = process.PeakBytes;
                var outcome = refusedByMta is not null ? "refused by Postfix: " + refusedByMta
                    : hostile is null ? "never stored"
                    : hostile.Status == InboundStatus.Pending ? $"still pending after {deadline.TotalSeconds:0} s (attempts {hostile.Attempts})"
                    : $"{hostile.Status.ToString().ToLowerInvariant()}{(hostile.Reason is null ? string.Empty : " " + hostile.Reason)}";
                var missed = new List<string>();
                KillLoopTests.Check(missed, refusedByMta is not null || handledAfter <= TimeTarget, $"handled after {(handledAfter ?? sent.Elapsed).TotalSeconds:0.0} s (target 10 s)");
                KillLoopTests.Check(missed, peak <= MemoryTarget, $"peak {peak / (1024 * 1024)} MB (target 300 MB)");
                KillLoopTests.Check(missed, normalPosted, "the next normal reply was not posted");
                KillLoopTests.Check(missed, restarts == 0, $"the gateway died {restarts} time(s)");
                FaultEnvironment.Report.Add(new FaultRow(
                    "hostile: " + name, 1 + restarts, normalPosted ? 0 : 1, 0, hostile?.Status == InboundStatus.Pending ? 1 : 0, peak, clock.Elapsed,
                    $"{raw.Length / 1024:N0} KB; {outcome}; handled after {(handledAfter ?? sent.Elapsed).TotalSeconds:0.0} s{steps}",
                    missed));
                failures.AddRange(missed.Select(m => name + ": " + m));
            }
        }
        finally
        {
            await process.DisposeAsync();
        }

        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        output.WriteLine(string.Join('\n', process.Lines().Select(l => l.Line).Where(l => l.Contains("warn", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal))));
        Assert.Empty(failures);
    }
}
