using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Posting;

/// <summary>
/// Remembers read-only lookups (users, channels, access contexts, audiences, reply tokens) while the inbound pipeline
/// threads mails and the notification fan-out renders, so that each mail or message does not query the same rows again.
/// Inactive (every lookup goes to the database) unless <see cref="Begin"/> was called: the web and the command line
/// always read fresh.
/// <para>What a group of mails or messages cached is kept for the next group only when the database's
/// <see cref="LookupVersion"/> is the same at the start of both: triggers raise it whenever a row these lookups read
/// changes (users, addresses, settings, languages, follows, vendors, assignments, titles, channels, a token revoked), by
/// any connection. Commits that touch none of them (messages, inbound and outbound mails) keep the cache, so the inbound
/// pipeline and the fan-out beside it do not drop each other's. Suppressed addresses are not cached: the fan-out reads
/// them for each message. The pipeline's own writes that change a cached answer within a group (a token issued outside
/// <c>IssueManyAsync</c>, a mail rolled back to its savepoint) call <see cref="Clear()"/>.</para>
/// </summary>
public sealed class LookupCache
{
    /// <summary>More entries than this and the cache starts over at the next group.</summary>
    public const int MaxEntries = 10_000;

    private readonly Dictionary<(string Kind, object Key), object?> _entries = [];
    private long? _keptVersion;

    public bool IsActive { get; private set; }

    /// <summary>Caches from now until the returned scope is disposed. What an earlier scope cached is still used when it
    /// was <see cref="LookupScope.Keep">kept</see> under the same <paramref name="version"/> (see
    /// <see cref="DataVersion"/>); without a version, or with another one, the cache starts empty.</summary>
    public LookupScope Begin(long? version = null)
    {
        if (version is null || version != _keptVersion || _entries.Count > MaxEntries)
        {
            _entries.Clear();
        }

        _keptVersion = null;
        IsActive = true;
        return new LookupScope(this, version);
    }

    /// <summary>Opens the connection of <paramref name="db"/> and holds it open for a whole poll (one open instead of one
    /// per group) until the returned scope is disposed, which closes it and forgets everything cached.</summary>
    public async Task<IAsyncDisposable> HoldAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return new Hold(this, db);
    }

    /// <summary>The version of everything this cache may hold, for <see cref="Begin"/> (the <c>LookupVersions</c> row
    /// the database's triggers raise). Read it where nothing can commit between the reading
    /// and the lookups (inside a write transaction), or read it again afterwards and keep the cache only when it did not
    /// move.</summary>
    public static Task<long> LookupVersion(GatewayDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Dialect.Queries.LookupVersionAsync(db, cancellationToken);
    }

    public void Clear() => _entries.Clear();

    /// <summary>Forgets the entries of one kind whose value <paramref name="affected"/> says a change touches (e.g. the
    /// audiences that contain an address just suppressed).</summary>
    public void Clear<T>(string kind, Func<T, bool> affected)
    {
        ArgumentNullException.ThrowIfNull(affected);
        foreach (var (key, value) in _entries.Where(e => e.Key.Kind == kind).ToList())
        {
            if (value is not T typed || affected(typed))
            {
                _entries.Remove(key);
            }
        }
    }

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

    private sealed class Hold(LookupCache cache, GatewayDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            cache._keptVersion = null;
            cache._entries.Clear();
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>One group's use of the cache: disposing it forgets everything unless <see cref="Keep"/> was called (after
    /// the group's transaction committed).</summary>
    public sealed class LookupScope : IDisposable
    {
        private readonly LookupCache _cache;
        private readonly long? _version;
        private bool _keep;

        internal LookupScope(LookupCache cache, long? version)
        {
            _cache = cache;
            _version = version;
        }

        /// <summary>Keeps what was cached for the next <see cref="Begin"/> with the same version (no effect without one).</summary>
        public void Keep() => _keep = _version is not null;

        public void Dispose()
        {
            _cache.IsActive = false;
            if (_keep)
            {
                _cache._keptVersion = _version;
            }
            else
            {
                _cache._entries.Clear();
            }
        }
    }
}
