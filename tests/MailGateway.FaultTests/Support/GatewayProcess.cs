using System.Diagnostics;
using System.Globalization;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>The gateway (or the web) as its own process, settings as environment variables, every line it writes kept
/// with the time it came, its peak working set sampled from the kernel's high-water mark, killed with SIGKILL.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(DateTime At, string Line)> _lines = [];
    private readonly Task _sampling;
    private readonly CancellationTokenSource _stop = new();
    private long _peak;

    private GatewayProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _sampling = Task.Run(SampleAsync);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The highest working set seen (VmHWM); <see cref="ResetPeak"/> starts a new measure.</summary>
    public long PeakBytes => Math.Max(Interlocked.Read(ref _peak), HighWaterMark() ?? 0);

    public static GatewayProcess Start(string dll, string workingFolder, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingFolder,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new GatewayProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public List<(DateTime At, string Line)> Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public List<string> LinesBetween(DateTime from, DateTime to) => Lines().Where(l => l.At >= from && l.At <= to).Select(l => l.Line).ToList();

    /// <summary>Lines of a .NET stack trace ("   at Namespace.Type.Method(...)").</summary>
    public static int StackFrames(IEnumerable<string> lines) => lines.Count(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(', StringComparison.Ordinal));

    public async Task WaitForLineAsync(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!Lines().Any(l => l.Line.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited || clock.Elapsed > limit)
            {
                throw new TimeoutException($"the gateway did not write '{text}' within {limit.TotalSeconds:0} s (exited: {_process.HasExited}):\n{string.Join('\n', Lines().TakeLast(30).Select(l => l.Line))}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Starts a new peak measure: the kernel's high-water mark is reset to the present working set.</summary>
    public void ResetPeak()
    {
        File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
        Interlocked.Exchange(ref _peak, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _stop.CancelAsync();
        await _sampling;
        _process.Dispose();
        _stop.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add((DateTime.UtcNow, line));
        }
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested && !_process.HasExited)
        {
            if (HighWaterMark() is { } value)
            {
                InterlockedMax(ref _peak, value);
            }

            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long? HighWaterMark()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
