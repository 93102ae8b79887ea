using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClpMailGateway.Tests.Storage;

/// <summary>The mailbox locks of the current provider: one holder at a time, and a waiter that takes over the moment the
/// holder lets go (the IDLE listener's standby).</summary>
public sealed class MailboxLocksTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TryAcquire_WhileHeld_IsRefused_AfterRelease_IsGranted()
    {
        await using var database = await TestDatabase.CreateAsync();
        var locks = await LocksAsync(database);

        var first = await locks.TryAcquireAsync("poll:a", CancellationToken.None);
        var second = await locks.TryAcquireAsync("poll:a", CancellationToken.None);
        await using var other = await locks.TryAcquireAsync("poll:b", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(second);
        Assert.NotNull(other);

        await first.DisposeAsync();
        await using var third = await locks.TryAcquireAsync("poll:a", CancellationToken.None);
        Assert.NotNull(third);
    }

    [Fact]
    public async Task Acquire_WhileHeld_WaitsThenTakesOverWhenTheHolderLetsGo()
    {
        await using var database = await TestDatabase.CreateAsync();
        var locks = await LocksAsync(database);
        var holder = await locks.TryAcquireAsync("idle:a", CancellationToken.None);
        Assert.NotNull(holder);

        var waiter = locks.AcquireAsync("idle:a", CancellationToken.None);
        // Not a timing assertion: the waiter must still be waiting, however long it has had, while the lock is held.
        await Task.WhenAny(waiter, Task.Delay(500));
        Assert.False(waiter.IsCompleted, "the waiter took a lock that was held");

        await holder.DisposeAsync();
        await using var taken = await waiter.WaitAsync(Patience);
        Assert.Null(await locks.TryAcquireAsync("idle:a", CancellationToken.None));
    }

    [Fact]
    public async Task Acquire_CancelledWhileWaiting_ThrowsAndTakesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        var locks = await LocksAsync(database);
        var holder = await locks.TryAcquireAsync("idle:a", CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var waiter = locks.AcquireAsync("idle:a", stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        await holder!.DisposeAsync();
        await using var after = await locks.TryAcquireAsync("idle:a", CancellationToken.None);
        Assert.NotNull(after);
    }

    /// <summary>A holder whose process dies (its session ends without an unlock, as on SIGKILL): the waiter on another
    /// session gets the lock from the server at once.</summary>
    [Fact]
    public async Task Acquire_OnPostgres_HolderSessionKilled_WaiterTakesOver()
    {
        await using var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Postgres);
        var locks = await LocksAsync(database);
        var holder = await locks.TryAcquireAsync("idle:a", CancellationToken.None);
        Assert.NotNull(holder);
        var waiter = locks.AcquireAsync("idle:a", CancellationToken.None);
        await Task.WhenAny(waiter, Task.Delay(500));
        Assert.False(waiter.IsCompleted);

        // The holder's session is the one holding an advisory lock granted; the waiter's is waiting for it.
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        await using var taken = await waiter.WaitAsync(Patience);
        Assert.Null(await locks.TryAcquireAsync("idle:a", CancellationToken.None));
        await holder.DisposeAsync(); // its connection is gone: disposing it frees nothing and throws nothing
        Assert.Null(await locks.TryAcquireAsync("idle:a", CancellationToken.None));
    }

    private static Task<IMailboxLocks> LocksAsync(TestDatabase database) =>
        database.WithAsync(s => Task.FromResult(s.GetRequiredService<IMailboxLocks>()));
}
