using System.Diagnostics;
using ClpMailGateway.FaultTests.Support;
using Xunit.Abstractions;

namespace ClpMailGateway.FaultTests;

/// <summary>The database on a small tmpfs of its own: filled up while replies arrive, then freed; and mounted
/// read-only, then writable again.</summary>
[Collection(FaultGroup.Name)]
[Trait("Category", "Fault")]
public sealed class DiskTests(FaultEnvironment environment, ITestOutputHelper output)
{
    [Fact]
    public async Task DatabaseDiskFull_ThenFreed_SameProcessPostsEveryReplyOnce()
    {
        var clock = Stopwatch.StartNew();
        await using var disk = await Tmpfs.MountAsync(48);
        await using var gateway = await FaultGateway.CreateAsync(environment, Path.Combine(disk.Path, "gateway.db"));
        await using var process = await gateway.StartRunningAsync();
        var mails = Enumerable.Range(0, 15).Select(i => gateway.Reply($"disk {i}", i >= 5 ? new byte[200_000] : null)).ToList();
        foreach (var mail in mails.Take(5))
        {
            await gateway.SendAsync(mail);
        }

        await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= 5, TimeSpan.FromSeconds(60));
        var filler = Path.Combine(disk.Path, "filler");
        var full = DateTime.UtcNow;
        Fill(filler);
        foreach (var mail in mails.Skip(5))
        {
            await gateway.SendAsync(mail);
        }

        await Task.Delay(FaultEnvironment.Full ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(15));
        var postedWhileFull = (await gateway.PostsBySourceAsync()).Count;
        File.Delete(filler);
        var freed = DateTime.UtcNow;
        await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= mails.Count && gateway.InboxCount() == 0, TimeSpan.FromSeconds(120));
        var recovered = DateTime.UtcNow;

        var ids = mails.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m)).MessageId!).ToList();
        var posts = await gateway.PostsBySourceAsync();
        var lost = ids.Count(id => !posts.ContainsKey(id));
        var duplicated = posts.Values.Sum(c => c - 1);
        var stuck = await gateway.PendingInboundAsync() + gateway.InboxCount();
        var during = process.LinesBetween(full, freed);
        var frames = GatewayProcess.StackFrames(during);
        var missed = new List<string>();
        KillLoopTests.Check(missed, !process.HasExited, "the gateway exited");
        KillLoopTests.Check(missed, lost == 0 && duplicated == 0 && stuck == 0, $"{lost} lost, {duplicated} twice, {stuck} stuck");
        KillLoopTests.Check(missed, frames == 0, $"{frames} stack-trace lines while full");
        FaultEnvironment.Report.Add(new FaultRow(
            "Database tmpfs full while replies arrive, then freed", 1, lost, duplicated, stuck, process.PeakBytes, clock.Elapsed,
            $"full {(freed - full).TotalSeconds:0} s ({postedWhileFull - 5} posted meanwhile); recovered {(recovered - freed).TotalSeconds:0.0} s after freeing, no restart; {during.Count} log lines, {frames} stack-trace lines while full",
            missed));
        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        output.WriteLine(string.Join('\n', during));
        Assert.Empty(missed);
    }

    [Fact]
    public async Task DatabaseReadOnly_RunAndWebStopWithOneLine_ThenWritableAgain_EveryReplyPosted()
    {
        var clock = Stopwatch.StartNew();
        await using var disk = await Tmpfs.MountAsync(32);
        await using var gateway = await FaultGateway.CreateAsync(environment, Path.Combine(disk.Path, "gateway.db"));
        var mails = Enumerable.Range(0, 3).Select(i => gateway.Reply($"read-only {i}")).ToList();
        foreach (var mail in mails)
        {
            await gateway.SendAsync(mail);
        }

        await KillLoopTests.WaitUntilAsync(() => Task.FromResult(gateway.InboxCount() >= mails.Count), TimeSpan.FromSeconds(30));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await disk.ReadOnlyAsync(true);
        var figures = new List<string>();
        var missed = new List<string>();
        long peak = 0;
        foreach (var (name, dll) in new[] { ("run", FaultEnvironment.GatewayDll), ("web", FaultEnvironment.WebDll) })
        {
            var started = Stopwatch.StartNew();
            await using var refused = name == "run"
                ? gateway.Start()
                : GatewayProcess.Start(dll, Path.GetDirectoryName(dll)!, gateway.Settings, "--urls", "http://127.0.0.1:0");
            var exited = await refused.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(200); // the last output lines
            var lines = refused.Lines().Select(l => l.Line).ToList();
            peak = Math.Max(peak, refused.PeakBytes);
            figures.Add($"{name}: exit {(exited ? refused.ExitCode : -1)} after {started.Elapsed.TotalSeconds:0.0} s, {lines.Count} line(s): \"{string.Join(" / ", lines)}\"");
            KillLoopTests.Check(missed, exited && refused.ExitCode == 1, $"{name} did not stop with exit code 1");
            KillLoopTests.Check(missed, lines.Count == 1 && lines[0].Contains("cannot be written", StringComparison.Ordinal), $"{name} did not stop with one line naming the cause");
        }

        await disk.ReadOnlyAsync(false);
        var writable = Stopwatch.StartNew();
        await using (var process = await gateway.StartRunningAsync())
        {
            await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= mails.Count, TimeSpan.FromSeconds(60));
            peak = Math.Max(peak, process.PeakBytes);
        }

        figures.Add($"writable again: all posted {writable.Elapsed.TotalSeconds:0.0} s after the start");
        var posts = await gateway.PostsBySourceAsync();
        var lost = mails.Count - posts.Count;
        var duplicated = posts.Values.Sum(c => c - 1);
        var stuck = await gateway.PendingInboundAsync();
        KillLoopTests.Check(missed, lost == 0 && duplicated == 0 && stuck == 0, $"{lost} lost, {duplicated} twice, {stuck} stuck");
        FaultEnvironment.Report.Add(new FaultRow("Database read-only at start, then writable", 3, lost, duplicated, stuck, peak, clock.Elapsed, string.Join("; ", figures), missed));
        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        Assert.Empty(missed);
    }

    /// <summary>Writes zeros until the file system is full.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[256 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full
        }

        try
        {
            for (var size = 4096; size > 0; size /= 2)
            {
                file.Write(chunk.AsSpan(0, size)); // the last pages
            }
        }
        catch (IOException)
        {
        }
    }
}
