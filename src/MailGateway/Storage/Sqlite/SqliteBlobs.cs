using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Storage.Sqlite;

/// <summary>
/// Large values through SQLite's incremental blob I/O, so that neither the gateway nor SQLite holds the whole value at
/// once: a value bound as one parameter is copied by SQLite and copied again into the record it builds. The column should
/// be the last of its row (SQLite then writes the zeroes of <c>zeroblob</c> straight to the pages instead of building
/// them in memory), and the row must not be updated while a stream of <see cref="OpenRead"/> is in use (SQLite then ends
/// the stream). The row's key is its rowid (an <c>INTEGER PRIMARY KEY</c>).
/// </summary>
public sealed class SqliteBlobs : IBlobStore
{
    private const int ChunkBytes = 256 * 1024;

    public static SqliteBlobs Instance { get; } = new();

    public async Task<string> WriteAsync(
        GatewayDbContext db, BlobColumn column, long rowId, long length, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var (table, name) = Names(column);

#pragma warning disable EF1003 // the names are the gateway's constants, checked above; the values are parameters
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE \"" + table + "\" SET \"" + name + "\" = zeroblob({0}) WHERE rowid = {1}", [length, rowId], cancellationToken);
#pragma warning restore EF1003
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            await using var blob = new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), table, name, rowId);
            long written = 0;
            int read;
            while ((read = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                if (written + read > length)
                {
                    throw new InvalidDataException($"{table}.{name} of row {rowId}: the content is longer than the {length} bytes announced");
                }

                await blob.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                hash.AppendData(buffer, 0, read);
                written += read;
            }

            if (written != length)
            {
                throw new InvalidDataException($"{table}.{name} of row {rowId}: the content ended after {written} of the {length} bytes announced");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public Stream OpenRead(GatewayDbContext db, BlobColumn column, long rowId)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (table, name) = Names(column);
        return new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), table, name, rowId, readOnly: true);
    }

    public IBlobReader OpenReader(string connectionString) => new Reader(connectionString);

    /// <summary>Whether <paramref name="name"/> is a plain table or column name, safe to write into SQL text.</summary>
    internal static bool IsName(string name) => name.Length > 0 && name.All(char.IsAsciiLetterOrDigit);

    private static (string Table, string Column) Names(BlobColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return IsName(column.Table) && IsName(column.Column)
            ? (column.Table, column.Column)
            : throw new ArgumentException($"Not a table and column name: {column.Table}.{column.Column}");
    }

    private sealed class Reader(string connectionString) : IBlobReader
    {
        private SqliteConnection? _connection;

        public async Task<Stream> OpenReadAsync(BlobColumn column, long rowId, CancellationToken cancellationToken)
        {
            var (table, name) = Names(column);
            if (_connection is null)
            {
                _connection = new SqliteConnection(connectionString);
                await _connection.OpenAsync(cancellationToken);
            }

            try
            {
                return new SqliteBlob(_connection, table, name, rowId, readOnly: true);
            }
            catch (SqliteException ex)
            {
                throw new InvalidDataException($"{table} {rowId} cannot be read: {ex.Message}", ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
    }
}
