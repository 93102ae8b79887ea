using System.Diagnostics;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>A small tmpfs of the scenario's own (mounting needs root, which the tests and CI have), remountable
/// read-only, always unmounted at the end (lazily when something still holds it) and its folder removed.</summary>
public sealed class Tmpfs : IAsyncDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<Tmpfs> MountAsync(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clp-faults-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        try
        {
            await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }

        return new Tmpfs(path);
    }

    /// <summary>Bytes still free on it.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public Task ReadOnlyAsync(bool readOnly) => RunAsync("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            await RunAsync("umount", Path);
        }
        catch (InvalidOperationException)
        {
            await RunAsync("umount", "-l", Path); // a process still holds a file: detached now, freed when it lets go
        }

        Directory.Delete(Path);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode} (mounting needs root): {error.Trim()}");
        }
    }
}
