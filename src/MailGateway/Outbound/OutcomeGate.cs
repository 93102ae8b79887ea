namespace ClpMailGateway.Outbound;

/// <summary>One sending worker's wait for the commit of its last outcome (<see cref="OutboxSender"/>): reused for every
/// mail of the worker; the writer completes it, with the exception when the commit failed.</summary>
internal sealed class OutcomeGate : IDisposable
{
    // No spinning: the wait is a commit, and the writer needs the core the spinning would take.
    private readonly ManualResetEventSlim _done = new(false, spinCount: 1);
    private Exception? _failure;

    public void Reset()
    {
        _failure = null;
        _done.Reset();
    }

    public void Complete(Exception? failure)
    {
        _failure = failure;
        _done.Set();
    }

    /// <summary>Blocks until the writer committed the outcome; throws when it could not.</summary>
    public void Wait()
    {
        _done.Wait();
        if (_failure is { } failure)
        {
            throw new OutcomeNotRecordedException(failure);
        }
    }

    public void Dispose() => _done.Dispose();
}

/// <summary>The outbox could not record a mail's outcome (the database failed): the worker stops sending.</summary>
internal sealed class OutcomeNotRecordedException(Exception inner) : Exception("the outcome of a sent mail could not be recorded: " + inner.Message, inner);
