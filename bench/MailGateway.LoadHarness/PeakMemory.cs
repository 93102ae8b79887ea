using System.Diagnostics;

namespace ClpMailGateway.LoadHarness;

/// <summary>Peak working set of a process. On Linux the kernel keeps the high-water mark (VmHWM in /proc/PID/status),
/// so sampling it now and then loses no peak; reading it just before the process ends gives the whole run's peak.</summary>
internal static class PeakMemory
{
    /// <summary>VmHWM of the process in bytes, or null when it has ended.</summary>
    public static long? HighWaterMark(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Samples the high-water mark of a running process until it exits; returns the last value read.</summary>
    public static async Task<long> WatchAsync(Process process, CancellationToken cancellationToken)
    {
        long peak = 0;
        while (!process.HasExited)
        {
            if (HighWaterMark(process.Id) is { } value)
            {
                peak = Math.Max(peak, value);
            }

            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }

    /// <summary>Peak working set of this process so far.</summary>
    public static long Self() => HighWaterMark(Environment.ProcessId) ?? Process.GetCurrentProcess().PeakWorkingSet64;
}
