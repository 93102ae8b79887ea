using ClpMailGateway.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Health;

/// <summary>A check that logs in to a server runs at most once per period, however often it is asked.</summary>
public sealed class ServerCheckResultsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task GetOrRunAsync_WithinThePeriod_ReusesTheResult_AfterIt_RunsAgain()
    {
        using var results = new ServerCheckResults(Options.Create(new HealthOptions { ReuseServerChecksFor = TimeSpan.FromSeconds(10) }), _time);
        var runs = 0;
        Task<HealthCheckResult> Check(CancellationToken _) => Task.FromResult(HealthCheckResult.Unhealthy($"run {++runs}"));

        var first = await results.GetOrRunAsync("imap", Check, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(9));
        var reused = await results.GetOrRunAsync("imap", Check, CancellationToken.None);
        var other = await results.GetOrRunAsync("smtp", Check, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var again = await results.GetOrRunAsync("imap", Check, CancellationToken.None);

        Assert.Equal("run 1", first.Description);
        Assert.Equal("run 1", reused.Description);
        Assert.Equal("run 2", other.Description);
        Assert.Equal("run 3", again.Description);
    }

    [Fact]
    public async Task GetOrRunAsync_ManyCallersWhileOneRuns_OneLogin()
    {
        using var results = new ServerCheckResults(Options.Create(new HealthOptions()), _time);
        var runs = 0;
        var release = new TaskCompletionSource();
        async Task<HealthCheckResult> Check(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return HealthCheckResult.Healthy();
        }

        var callers = Enumerable.Range(0, 20).Select(_ => results.GetOrRunAsync("imap", Check, CancellationToken.None)).ToList();
        release.SetResult();
        var all = await Task.WhenAll(callers);

        Assert.Equal(1, runs);
        Assert.All(all, r => Assert.Equal(HealthStatus.Healthy, r.Status));
    }

    [Fact]
    public async Task GetOrRunAsync_ReuseSetToZero_RunsEveryTime()
    {
        using var results = new ServerCheckResults(Options.Create(new HealthOptions { ReuseServerChecksFor = TimeSpan.Zero }), _time);
        var runs = 0;

        await results.GetOrRunAsync("imap", _ => Task.FromResult(HealthCheckResult.Healthy($"{++runs}")), CancellationToken.None);
        await results.GetOrRunAsync("imap", _ => Task.FromResult(HealthCheckResult.Healthy($"{++runs}")), CancellationToken.None);

        Assert.Equal(2, runs);
    }
}
