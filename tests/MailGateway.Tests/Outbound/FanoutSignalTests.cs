using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

public sealed class FanoutSignalTests
{
    [Fact]
    public async Task Notify_SeveralTimesBeforeTheWorkerWakes_WakesItOnce()
    {
        using var signal = new FanoutSignal();

        signal.Notify();
        signal.Notify();
        signal.Notify();

        await signal.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        using var second = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signal.WaitAsync(second.Token));
    }

    [Fact]
    public async Task Notify_FromManyThreadsAtOnce_NeverThrowsAndWakes()
    {
        using var signal = new FanoutSignal();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                signal.Notify();
            }
        })));

        await signal.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
