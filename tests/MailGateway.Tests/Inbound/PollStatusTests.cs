using ClpMailGateway.Inbound;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Inbound;

/// <summary>What the poll and the IDLE listener record for health and metrics.</summary>
public sealed class PollStatusTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Current_NewProcess_KnowsNothing()
    {
        var status = new PollStatus(_time).Current;

        Assert.Null(status.LastSuccessUtc);
        Assert.Null(status.LastFailureUtc);
        Assert.False(status.IdleConnected);
    }

    [Fact]
    public async Task TrackAsync_PollSucceeds_RecordsItsEndAndDuration()
    {
        var status = new PollStatus(_time);

        var result = await status.TrackAsync(
            _ =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(1500));
                return Task.FromResult(42);
            },
            CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(new DateTime(2026, 3, 2, 10, 0, 1, 500, DateTimeKind.Utc), status.Current.LastSuccessUtc);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), status.Current.LastDuration);
        Assert.Null(status.Current.LastFailureCause);
    }

    [Fact]
    public async Task TrackAsync_PollFails_RecordsTimeAndCause_KeepsLastSuccess_Rethrows()
    {
        var status = new PollStatus(_time);
        await status.TrackAsync(_ => Task.FromResult(0), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => status.TrackAsync<int>(
            _ => throw new MailKit.Security.AuthenticationException("Authentication failed."), CancellationToken.None));

        Assert.Equal("Authentication failed.", error.Message);
        Assert.Equal(new DateTime(2026, 3, 2, 10, 1, 0, DateTimeKind.Utc), status.Current.LastFailureUtc);
        Assert.Equal("AuthenticationException: Authentication failed.", status.Current.LastFailureCause);
        Assert.Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), status.Current.LastSuccessUtc);
    }

    [Fact]
    public async Task TrackAsync_CancelledByStopping_RecordsNeitherSuccessNorFailure()
    {
        var status = new PollStatus(_time);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => status.TrackAsync<int>(
            token => Task.FromCanceled<int>(token), stopping.Token));

        Assert.Null(status.Current.LastSuccessUtc);
        Assert.Null(status.Current.LastFailureUtc);
    }

    [Fact]
    public void IdleDisconnected_AfterConnected_NotConnectedWithCause_ConnectedAgainClearsIt()
    {
        var status = new PollStatus(_time);

        status.IdleConnected();
        Assert.True(status.Current.IdleConnected);
        status.IdleDisconnected("IOException: connection reset");
        Assert.False(status.Current.IdleConnected);
        Assert.Equal("IOException: connection reset", status.Current.IdleCause);
        status.IdleConnected();

        Assert.True(status.Current.IdleConnected);
        Assert.Null(status.Current.IdleCause);
    }
}
