using System.Data.Common;

namespace ClpMailGateway.Storage;

/// <summary>One named savepoint of the context's current transaction, set and released again and again through two
/// prepared statements (EF's savepoint methods build and run a new command each time, ~160 µs a mail). Rolled back to
/// through EF (<c>RollbackToSavepointAsync</c>), which also resets what EF tracks of it.</summary>
public sealed class Savepoint : IAsyncDisposable
{
    private readonly DbCommand _set;
    private readonly DbCommand _release;

    private Savepoint(GatewayDbContext db, string name)
    {
        Name = SqliteNames.Check(name);
        _set = db.CreateCommand();
        _set.CommandText = "SAVEPOINT " + name;
        _release = db.CreateCommand();
        _release.CommandText = "RELEASE SAVEPOINT " + name;
    }

    public string Name { get; }

    public static Savepoint Prepare(GatewayDbContext db, string name)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new Savepoint(db, name);
    }

    public Task SetAsync(CancellationToken cancellationToken) => _set.ExecuteNonQueryAsync(cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) => _release.ExecuteNonQueryAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _set.DisposeAsync();
        await _release.DisposeAsync();
    }
}

/// <summary>Names written into SQL text: plain ASCII letters, digits and underscores only.</summary>
internal static class SqliteNames
{
    public static string Check(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : throw new ArgumentException($"Not a plain SQL name: {name}");
}
