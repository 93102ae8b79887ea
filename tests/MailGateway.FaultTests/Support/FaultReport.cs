using System.Globalization;
using System.Text;

namespace ClpMailGateway.FaultTests.Support;

/// <summary>One row per scenario: how often the gateway ran (or was killed), what was lost, posted or sent twice, left
/// stuck, the gateway's peak memory and the time taken, with the scenario's own figures and targets beside them.</summary>
public sealed class FaultReport
{
    private readonly List<FaultRow> _rows = [];

    public void Add(FaultRow row)
    {
        lock (_rows)
        {
            _rows.Add(row);
        }
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault scenarios ({(FaultEnvironment.Full ? "full sizes, scripts/chaos" : "small sizes, scripts/test")}), {Environment.ProcessorCount} cores");
        text.AppendLine();
        text.AppendLine("| scenario | runs | lost | duplicated | stuck | peak memory | time | figures | targets |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        lock (_rows)
        {
            foreach (var r in _rows)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Runs} | {r.Lost} | {r.Duplicated} | {r.Stuck} | {r.PeakBytes / (1024.0 * 1024):0} MB | {r.Elapsed.TotalSeconds:0.0} s | {r.Figures} | {(r.Missed.Count == 0 ? "met" : "MISSED: " + string.Join("; ", r.Missed))} |");
            }
        }

        return text.ToString();
    }

    public async Task WriteAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, ToMarkdown());
    }
}

/// <param name="Runs">Gateway processes started (each kill is followed by a start).</param>
/// <param name="Missed">The targets this row missed, each as a sentence; empty when all are met.</param>
public sealed record FaultRow(
    string Scenario, int Runs, int Lost, int Duplicated, int Stuck, long PeakBytes, TimeSpan Elapsed, string Figures, IReadOnlyList<string> Missed);
