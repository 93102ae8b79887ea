using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Storage;

/// <summary>
/// Large values (raw mails, attached files) written into and read from their row piece by piece with SQLite's
/// incremental blob I/O, so that neither the gateway nor SQLite holds the whole value at once: a value bound as one
/// parameter is copied by SQLite and copied again into the record it builds. The column should be the last of its
/// row (SQLite then writes the zeroes of <c>zeroblob</c> straight to the pages instead of building them in memory), and
/// the row must not be updated while a stream of <see cref="OpenRead"/> is in use (SQLite then ends the stream).
/// </summary>
public static class SqliteBlobs
{
    /// <summary>Values this large or larger (raw mails, files) go through <see cref="WriteAsync"/> and
    /// <see cref="OpenRead"/> instead of being bound or read as one value.</summary>
    public const int StreamedBytes = 1024 * 1024;

    private const int ChunkBytes = 256 * 1024;

    /// <summary>Sets the column of row <paramref name="rowId"/> to <paramref name="length"/> bytes and writes exactly
    /// that many from <paramref name="source"/> into it, in the DbContext's current transaction (or autocommit).</summary>
    /// <returns>The lower-case hex SHA-256 of the bytes written.</returns>
    /// <exception cref="InvalidDataException">The source ended before <paramref name="length"/> bytes or went on past
    /// them; the column is then left partly written (roll the transaction back).</exception>
    public static async Task<string> WriteAsync(
        GatewayDbContext db, string table, string column, long rowId, long length, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!IsName(table) || !IsName(column))
        {
            throw new ArgumentException($"Not a table and column name: {table}.{column}");
        }

#pragma warning disable EF1003 // the names are the gateway's constants, checked above; the values are parameters
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE \"" + table + "\" SET \"" + column + "\" = zeroblob({0}) WHERE rowid = {1}", [length, rowId], cancellationToken);
#pragma warning restore EF1003
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            await using var blob = new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), table, column, rowId);
            long written = 0;
            int read;
            while ((read = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                if (written + read > length)
                {
                    throw new InvalidDataException($"{table}.{column} of row {rowId}: the content is longer than the {length} bytes announced");
                }

                await blob.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                hash.AppendData(buffer, 0, read);
                written += read;
            }

            if (written != length)
            {
                throw new InvalidDataException($"{table}.{column} of row {rowId}: the content ended after {written} of the {length} bytes announced");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A read-only, seekable stream over the column of row <paramref name="rowId"/>, read from the database as
    /// it is read. The DbContext's connection must stay open while it is used.</summary>
    public static Stream OpenRead(GatewayDbContext db, string table, string column, long rowId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), table, column, rowId, readOnly: true);
    }

    /// <summary>Whether <paramref name="name"/> is a plain table or column name, safe to write into SQL text.</summary>
    internal static bool IsName(string name) => name.Length > 0 && name.All(char.IsAsciiLetterOrDigit);
}
