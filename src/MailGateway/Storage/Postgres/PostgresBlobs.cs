using System.Buffers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// Large values in <c>bytea</c> columns kept uncompressed out of line (<c>STORAGE EXTERNAL</c>, set by the migration),
/// so that PostgreSQL reads a slice of one (<c>substring</c>) without reading the rest: written in chunks appended to
/// the value, read in chunks by offset. Neither side holds the whole value on the gateway's side.
/// </summary>
public sealed class PostgresBlobs : IBlobStore
{
    private const int ChunkBytes = 1024 * 1024;

    public static PostgresBlobs Instance { get; } = new();

    public async Task<string> WriteAsync(
        GatewayDbContext db, BlobColumn column, long rowId, long length, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var (table, name) = Names(column);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE \"{table}\" SET \"{name}\" = ''::bytea WHERE \"Id\" = @id";
            command.Parameters.AddWithValue("id", rowId);
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"{table} {rowId} does not exist: its {name} cannot be written");
            }

            command.CommandText = $"UPDATE \"{table}\" SET \"{name}\" = \"{name}\" || @chunk WHERE \"Id\" = @id";
            var chunk = command.Parameters.Add(new NpgsqlParameter("chunk", NpgsqlTypes.NpgsqlDbType.Bytea));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                long written = 0;
                int read;
                while ((read = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
                {
                    if (written + read > length)
                    {
                        throw new InvalidDataException($"{table}.{name} of row {rowId}: the content is longer than the {length} bytes announced");
                    }

                    chunk.Value = new ArraySegment<byte>(buffer, 0, read);
                    await command.ExecuteNonQueryAsync(cancellationToken);
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
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Stream OpenRead(GatewayDbContext db, BlobColumn column, long rowId)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (table, name) = Names(column);
        return new PostgresBlobStream((NpgsqlConnection)db.Database.GetDbConnection(), table, name, rowId);
    }

    public IBlobReader OpenReader(string connectionString) => new Reader(connectionString);

    private static (string Table, string Column) Names(BlobColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return Sqlite.SqliteBlobs.IsName(column.Table) && Sqlite.SqliteBlobs.IsName(column.Column)
            ? (column.Table, column.Column)
            : throw new ArgumentException($"Not a table and column name: {column.Table}.{column.Column}");
    }

    private sealed class Reader(string connectionString) : IBlobReader
    {
        private NpgsqlConnection? _connection;

        public async Task<Stream> OpenReadAsync(BlobColumn column, long rowId, CancellationToken cancellationToken)
        {
            var (table, name) = Names(column);
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(connectionString);
                await _connection.OpenAsync(cancellationToken);
            }

            var stream = new PostgresBlobStream(_connection, table, name, rowId);
            await stream.LoadLengthAsync(cancellationToken);
            return stream;
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

/// <summary>A read-only, seekable stream over a <c>bytea</c> value, read a slice at a time on the given connection.</summary>
internal sealed class PostgresBlobStream(NpgsqlConnection connection, string table, string column, long rowId) : Stream
{
    private const int SliceBytes = 256 * 1024;
    private long? _length;
    private long _position;
    private byte[] _slice = [];
    private long _sliceStart;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length ??= Convert.ToInt64(LengthCommand().ExecuteScalar() is { } value and not DBNull ? value : throw Missing(), System.Globalization.CultureInfo.InvariantCulture);

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public async Task LoadLengthAsync(CancellationToken cancellationToken)
    {
        await using var command = LengthCommand();
        _length = await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw Missing();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!Buffered())
        {
            if (_position >= Length)
            {
                return 0;
            }

            using var command = SliceCommand();
            _slice = (byte[])command.ExecuteScalar()!;
            _sliceStart = _position;
        }

        return CopyOut(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Buffered())
        {
            if (_length is null)
            {
                await LoadLengthAsync(cancellationToken);
            }

            if (_position >= _length)
            {
                return 0;
            }

            await using var command = SliceCommand();
            _slice = (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
            _sliceStart = _position;
        }

        return CopyOut(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool Buffered() => _position >= _sliceStart && _position < _sliceStart + _slice.Length;

    private int CopyOut(Span<byte> buffer)
    {
        var from = (int)(_position - _sliceStart);
        var count = Math.Min(buffer.Length, _slice.Length - from);
        _slice.AsSpan(from, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    private NpgsqlCommand LengthCommand()
    {
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT octet_length(\"{column}\") FROM \"{table}\" WHERE \"Id\" = @id";
        command.Parameters.AddWithValue("id", rowId);
        return command;
    }

    private NpgsqlCommand SliceCommand()
    {
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT substring(\"{column}\" FROM @from FOR @count) FROM \"{table}\" WHERE \"Id\" = @id";
        command.Parameters.AddWithValue("from", (int)(_position + 1));
        command.Parameters.AddWithValue("count", SliceBytes);
        command.Parameters.AddWithValue("id", rowId);
        return command;
    }

    private InvalidDataException Missing() => new($"{table} {rowId} does not exist (any more): its {column} cannot be read");
}
