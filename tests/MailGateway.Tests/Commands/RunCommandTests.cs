using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Commands;
using Microsoft.Extensions.Hosting;

namespace ClpMailGateway.Tests.Commands;

public sealed class RunCommandTests
{
    /// <summary>The working folder of <c>run</c> holds the database (<c>.state/gateway.db</c>): a watcher on it would wake
    /// for every write SQLite makes. Seen from outside: the inotify watches this process holds (Linux lists them in
    /// /proc/self/fdinfo with the inode each watches). A plain host on a folder of its own shows that watches are seen.</summary>
    [Fact]
    public void Host_DoesNotWatchTheWorkingFolder()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads Linux's /proc");
        var plain = Directory.CreateTempSubdirectory("clp-plain-host-");
        var working = Directory.CreateTempSubdirectory("clp-run-host-");
        try
        {
            using (var control = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = plain.FullName }).Build())
            {
                Assert.Contains(Inode(plain.FullName), WatchedInodes());
            }

            using var host = RunCommand.CreateBuilder(working.FullName, overrides: null).Build();

            Assert.DoesNotContain(Inode(working.FullName), WatchedInodes());
        }
        finally
        {
            plain.Delete(recursive: true);
            working.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_InboundOrBounceSettingOutOfRange_StopsNamingTheSetting()
    {
        var working = Directory.CreateTempSubdirectory("clp-run-options-");
        try
        {
            using var host = RunCommand.CreateBuilder(working.FullName, new Dictionary<string, string?>
            {
                ["Inbound:PostsPerSenderPerHour"] = "0",
                ["Bounces:SuppressAtScore"] = "0",
            }).Build();

            var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

            var messages = error is AggregateException all ? string.Join('\n', all.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
            Assert.Contains("PostsPerSenderPerHour", messages, StringComparison.Ordinal);
            Assert.Contains("SuppressAtScore", messages, StringComparison.Ordinal);
        }
        finally
        {
            working.Delete(recursive: true);
        }
    }

    private static long Inode(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(start)!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The inodes of every inotify watch of this process (<c>inotify wd:1 ino:2f5e7 ...</c>, hexadecimal).</summary>
    private static HashSet<long> WatchedInodes()
    {
        var inodes = new HashSet<long>();
        foreach (var fdinfo in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(fdinfo);
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            foreach (var line in lines.Where(l => l.StartsWith("inotify ", StringComparison.Ordinal)))
            {
                var ino = line.Split(' ').Single(part => part.StartsWith("ino:", StringComparison.Ordinal));
                inodes.Add(long.Parse(ino["ino:".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return inodes;
    }
}
