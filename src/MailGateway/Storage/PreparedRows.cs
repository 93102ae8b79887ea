using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ClpMailGateway.Storage;

/// <summary>
/// One prepared single-row statement, run once per row on a hot path instead of EF's change tracking (attach, snapshot,
/// detect changes and a batch built for every <c>SaveChanges</c>). Table, column names, the values' getters and their
/// conversions (an enum stored as its name) are read from the EF model, so the statement follows the mapping instead of
/// repeating it, and the values are written as EF writes them.
/// </summary>
internal abstract class PreparedRow<TEntity> : IAsyncDisposable
    where TEntity : class
{
    private readonly SqliteCommand _command;
    private readonly Column[] _columns;

    private protected PreparedRow(SqliteCommand command, Column[] columns)
    {
        _command = command;
        _columns = columns;
    }

    /// <summary>Runs the statement in this transaction from now on.</summary>
    public void Enlist(SqliteTransaction transaction) => _command.Transaction = transaction;

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    /// <summary>The entity's mapping in the context's model, and its main table.</summary>
    private protected static Mapping Map(GatewayDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped");
        return new Mapping(entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()));
    }

    private protected static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private protected static Column[] Columns(IEnumerable<IProperty> properties) =>
        properties.Select((p, i) => new Column(p, p.GetTypeMapping().Converter, new SqliteParameter("$p" + i, null))).ToArray();

    private protected static SqliteCommand Command(GatewayDbContext db, string text, IEnumerable<SqliteParameter> parameters)
    {
        var command = db.CreateCommand();
        command.CommandText = text;
        command.Parameters.AddRange(parameters.ToArray());
        return command;
    }

    /// <summary>Binds the row's values to the columns' parameters.</summary>
    private protected SqliteCommand Bind(TEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        foreach (var (property, converter, value) in _columns)
        {
            var clr = property.GetGetter().GetClrValue(row);
            value.Value = (clr is null ? null : converter is null ? clr : converter.ConvertToProvider(clr)) ?? DBNull.Value;
        }

        return _command;
    }

    private protected string ColumnList => string.Join(", ", _columns.Select(c => c.Property.Name));

    private protected sealed record Column(IProperty Property, ValueConverter? Converter, SqliteParameter Value);

    private protected sealed record Mapping(IEntityType Entity, StoreObjectIdentifier Table)
    {
        public IProperty Property(string name) =>
            Entity.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{name} is not mapped");

        public string ColumnName(IProperty property) => Quote(property.GetColumnName(Table)
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property.Name} is not a column of {Table.Name}"));

        public string TableName => Quote(Table.Name);
    }
}

/// <summary><c>UPDATE table SET column = value, ... WHERE key = id</c> of one row.</summary>
internal sealed class RowUpdate<TEntity> : PreparedRow<TEntity>
    where TEntity : class
{
    private readonly Column _key;

    private RowUpdate(SqliteCommand command, Column[] columns, Column key)
        : base(command, columns) => _key = key;

    /// <summary>Prepares the statement on the context's connection (which the caller keeps open), enlisted in the
    /// context's current transaction if there is one.</summary>
    /// <param name="key">The property that names the row (its primary key).</param>
    /// <param name="columns">The properties written.</param>
    public static RowUpdate<TEntity> Prepare(GatewayDbContext db, string key, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfZero(columns.Length);
        var map = Map(db);
        var set = Columns(columns.Select(map.Property));
        var keyColumn = new Column(map.Property(key), null, new SqliteParameter("$key", null));
        var command = Command(
            db,
            $"UPDATE {map.TableName} SET {string.Join(", ", set.Select(c => $"{map.ColumnName(c.Property)} = {c.Value.ParameterName}"))} WHERE {map.ColumnName(keyColumn.Property)} = $key",
            set.Select(c => c.Value).Append(keyColumn.Value));
        return new RowUpdate<TEntity>(command, set, keyColumn);
    }

    /// <summary>Writes the row's columns from <paramref name="row"/>; throws when the row is gone (nothing may be recorded
    /// silently).</summary>
    public async Task ExecuteAsync(TEntity row)
    {
        var command = Bind(row);
        var id = _key.Property.GetGetter().GetClrValue(row);
        _key.Value.Value = id;
        if (await command.ExecuteNonQueryAsync(CancellationToken.None) != 1)
        {
            throw new InvalidOperationException($"{typeof(TEntity).Name} {id} is gone: its {ColumnList} could not be written");
        }
    }
}

/// <summary><c>INSERT INTO table (every column of the entity's main table but its generated key) VALUES (...) RETURNING
/// key</c> of one row. A property mapped to another table (split off) is left to the caller.</summary>
internal sealed class RowInsert<TEntity> : PreparedRow<TEntity>
    where TEntity : class
{
    private RowInsert(SqliteCommand command, Column[] columns)
        : base(command, columns)
    {
    }

    /// <summary>Prepares the statement on the context's connection (which the caller keeps open), enlisted in the
    /// context's current transaction if there is one.</summary>
    public static RowInsert<TEntity> Prepare(GatewayDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var map = Map(db);
        var key = map.Entity.FindPrimaryKey()?.Properties is [var single] && single.ValueGenerated != ValueGenerated.Never
            ? single
            : throw new InvalidOperationException($"{typeof(TEntity).Name} has no single generated key");
        var columns = Columns(map.Entity.GetProperties().Where(p => p != key && p.GetColumnName(map.Table) is not null));
        var command = Command(
            db,
            $"INSERT INTO {map.TableName} ({string.Join(", ", columns.Select(c => map.ColumnName(c.Property)))}) "
            + $"VALUES ({string.Join(", ", columns.Select(c => c.Value.ParameterName))}) RETURNING {map.ColumnName(key)}",
            columns.Select(c => c.Value));
        return new RowInsert<TEntity>(command, columns);
    }

    /// <summary>Inserts the row; returns the key SQLite gave it (the caller sets it on the object).</summary>
    public async Task<long> ExecuteAsync(TEntity row, CancellationToken cancellationToken) =>
        (long)(await Bind(row).ExecuteScalarAsync(cancellationToken))!;
}
