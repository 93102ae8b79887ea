using System.Diagnostics;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.Tests.Telemetry;

/// <summary>ops/prometheus/alerts.yml: Prometheus's own checker accepts it, and its unit tests (alerts.test.yml: each
/// alert fires on the series that should raise it and stays quiet on the others) pass under Debian's promtool.</summary>
public sealed class AlertRulesTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "ops", "prometheus");

    [Fact]
    public async Task Promtool_CheckRules_AcceptsEveryRule()
    {
        var (exit, output) = await PromtoolAsync("check", "rules", "alerts.yml");

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 5 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_TestRules_EveryAlertFiresAndStaysQuietAsTested()
    {
        var (exit, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_TheIssuesFive_AreEachTested()
    {
        var rules = File.ReadAllText(Path.Combine(Folder, "alerts.yml"));
        var tests = File.ReadAllText(Path.Combine(Folder, "alerts.test.yml"));

        foreach (var alert in new[] { "ClpMailboxSilent", "ClpQuarantineGrowing", "ClpOutboxBackingUp", "ClpBounceRateHigh", "ClpIdleDown" })
        {
            Assert.Contains($"- alert: {alert}", rules, StringComparison.Ordinal);
            // Fired at least once (expected labels) and kept quiet at least once (no alerts expected) by its tests.
            var blocks = tests.Split("alertname: " + alert).Skip(1).ToList();
            Assert.Contains(blocks, b => b.TrimStart().StartsWith("exp_alerts:\n", StringComparison.Ordinal) && b.Contains("exp_labels", StringComparison.Ordinal)
                && b.IndexOf("exp_labels", StringComparison.Ordinal) < (b.IndexOf("alertname:", StringComparison.Ordinal) is var next and >= 0 ? next : int.MaxValue));
            Assert.Contains(blocks, b => b.TrimStart().StartsWith("exp_alerts: []", StringComparison.Ordinal));
        }
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (scripts/install-prometheus installs it)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
