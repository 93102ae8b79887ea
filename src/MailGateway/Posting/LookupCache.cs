namespace ClpMailGateway.Posting;

/// <summary>
/// Remembers read-only lookups (users, channels, access contexts, audiences, reply tokens) for the length of one
/// inbound group, so the mails of a group do not each query the same rows again. Inactive (every lookup goes to the
/// database) unless <see cref="Begin"/> was called: the web and the command line always read fresh.
/// <para>Safe because the group runs in one write transaction (SQLite allows one writer, so nobody else changes these
/// rows meanwhile): a mail still sees permissions as of its group, which began after it arrived. The pipeline's own
/// writes that change a cached answer (a bounce suppressing an address, an unsubscribe, a token issued outside
/// <c>IssueManyAsync</c>, a mail rolled back to its savepoint) call <see cref="Clear"/>.</para>
/// </summary>
public sealed class LookupCache
{
    private readonly Dictionary<(string Kind, object Key), object?> _entries = [];

    public bool IsActive { get; private set; }

    /// <summary>Caches from now until the returned scope is disposed (then forgets everything).</summary>
    public IDisposable Begin()
    {
        _entries.Clear();
        IsActive = true;
        return new Scope(this);
    }

    public void Clear() => _entries.Clear();

    /// <summary>The cached value of <paramref name="kind"/> for <paramref name="key"/>, else what <paramref name="load"/>
    /// returns (remembered when active).</summary>
    public async Task<T> GetAsync<T>(string kind, object key, Func<Task<T>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (!IsActive)
        {
            return await load();
        }

        if (_entries.TryGetValue((kind, key), out var cached))
        {
            return (T)cached!;
        }

        var value = await load();
        _entries[(kind, key)] = value;
        return value;
    }

    /// <summary>A mutable value kept for the group (null when inactive): e.g. the reply tokens of a channel, which the
    /// caller keeps current as it issues new ones.</summary>
    public T? Peek<T>(string kind, object key)
        where T : class =>
        IsActive && _entries.TryGetValue((kind, key), out var cached) ? (T?)cached : null;

    public void Put(string kind, object key, object value)
    {
        if (IsActive)
        {
            _entries[(kind, key)] = value;
        }
    }

    private sealed class Scope(LookupCache cache) : IDisposable
    {
        public void Dispose()
        {
            cache.IsActive = false;
            cache._entries.Clear();
        }
    }
}
