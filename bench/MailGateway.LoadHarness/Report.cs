using System.Globalization;
using System.Text;

namespace ClpMailGateway.LoadHarness;

/// <summary>One figure of the run: the gateway's value beside its baseline from the same run, the ratio, and the target.</summary>
internal sealed record ReportRow(string Scenario, string Figure, string Value, string Baseline, string Ratio, string Target, bool? Met);

/// <summary>Collects the figures of a run and prints them as one Markdown table (also written to .state/bench).</summary>
internal sealed class Report
{
    private readonly List<ReportRow> _rows = [];
    private readonly Lock _lock = new();

    public void Add(ReportRow row)
    {
        lock (_lock)
        {
            _rows.Add(row);
        }

        Console.WriteLine($"[{row.Scenario}] {row.Figure}: {row.Value} | baseline {row.Baseline} | ratio {row.Ratio} | target {row.Target}{(row.Met is { } met ? met ? " | met" : " | MISSED" : string.Empty)}");
    }

    public IReadOnlyList<ReportRow> Rows
    {
        get
        {
            lock (_lock)
            {
                return [.. _rows];
            }
        }
    }

    public bool AnyMissed => Rows.Any(r => r.Met == false);

    public string ToMarkdown()
    {
        var builder = new StringBuilder();
        builder.AppendLine("| scenario | figure | gateway | baseline (same run) | ratio | target | met |");
        builder.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in Rows)
        {
            builder.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Figure} | {row.Value} | {row.Baseline} | {row.Ratio} | {row.Target} | {(row.Met is { } met ? met ? "yes" : "**no**" : "—")} |");
        }

        return builder.ToString();
    }

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string Rate(double perSecond, string unit) => perSecond.ToString("#,0", CultureInfo.InvariantCulture) + " " + unit + "/s";

    public static string Ms(double milliseconds) =>
        milliseconds < 10 ? milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : milliseconds.ToString("#,0", CultureInfo.InvariantCulture) + " ms";

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("#,0.0", CultureInfo.InvariantCulture) + " MB";
}
