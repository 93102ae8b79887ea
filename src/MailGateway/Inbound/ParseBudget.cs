using System.Runtime.CompilerServices;

namespace ClpMailGateway.Inbound;

/// <summary>
/// The time and memory one parse of a mail may take (<see cref="BoundedParser"/>). A .NET thread cannot be stopped from
/// outside, so the budget is checked from inside the parse: at every read of the mail's bytes (the MIME parser and every
/// decoding of a part read them through <see cref="BudgetedStream"/>), wherever a long traversal calls
/// <see cref="CheckCurrent"/>, and through <see cref="Cancellation"/> in the analysis's long loops. Memory is what the
/// parsing thread allocated since the parse began; time is judged by <see cref="BoundedParser"/>'s watchdog, which
/// stops the parse here.
/// </summary>
public sealed class ParseBudget : IDisposable
{
    [ThreadStatic]
    private static ParseBudget? _current;

    private readonly long _allocatedAtStart;
    private readonly long _maxAllocated;
    private readonly int _threadId;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _active = true;
    private volatile string? _exceeded;

    private ParseBudget(long maxAllocatedBytes)
    {
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        _maxAllocated = maxAllocatedBytes;
        _threadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>Why the parse was stopped ("took longer than 10 s", "allocated more than 256 MB"), or null.</summary>
    public string? Exceeded => _exceeded;

    /// <summary>Cancelled when the parse is stopped from outside (its time is up): the analysis checks it in its long
    /// loops, where no read of the mail's bytes happens.</summary>
    public CancellationToken Cancellation => _stop.Token;

    /// <summary>What the parsing thread allocated so far in this parse.</summary>
    public long AllocatedBytes => GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart;

    /// <summary>Starts a budget for a parse on the calling thread and makes it the thread's current one.</summary>
    internal static ParseBudget Begin(long maxAllocatedBytes) => _current = new ParseBudget(maxAllocatedBytes);

    /// <summary>Ends the budget: reads of the parsed mail's bytes afterwards (its files decoded while it is posted, on
    /// another thread) are not counted against it.</summary>
    public void Dispose()
    {
        _active = false;
        _stop.Dispose();
        if (ReferenceEquals(_current, this))
        {
            _current = null;
        }
    }

    /// <summary>Stops the parse at its next check (the watchdog, when its time is up).</summary>
    internal void Stop(string reason)
    {
        _exceeded ??= reason;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Checks the budget of the parse running on this thread, if any.</summary>
    /// <exception cref="ParseLimitExceededException">The parse is over its time or memory.</exception>
    /// <exception cref="InsufficientExecutionStackException">A recursion that calls this went deeper than the stack allows.</exception>
    public static void CheckCurrent()
    {
        if (_current is { } budget)
        {
            budget.Check();
            RuntimeHelpers.EnsureSufficientExecutionStack();
        }
    }

    /// <exception cref="ParseLimitExceededException">The parse is over its time or memory.</exception>
    public void Check()
    {
        if (!_active || Environment.CurrentManagedThreadId != _threadId)
        {
            return;
        }

        if (_exceeded is null && AllocatedBytes > _maxAllocated)
        {
            _exceeded = $"allocated more than {_maxAllocated / (1024 * 1024)} MB";
        }

        if (_exceeded is { } reason)
        {
            throw new ParseLimitExceededException(reason);
        }
    }
}
