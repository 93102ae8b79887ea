using System.Data.Common;
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
    private readonly DbCommand _command;
    private readonly Column[] _columns;

    private protected PreparedRow(DbCommand command, Column[] columns)
    {
        _command = command;
        _columns = columns;
    }

    /// <summary>Runs the statement in this transaction from now on.</summary>
    public void Enlist(DbTransaction transaction) => _command.Transaction = transaction;

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    /// <summary>The entity's mapping in the context's model, and its main table.</summary>
    private protected static Mapping Map(GatewayDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped");
        return new Mapping(entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()));
    }

    private protected static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private protected static Column[] Columns(DbCommand command, IEnumerable<IProperty> properties) =>
        properties.Select((p, i) => new Column(p, p.GetTypeMapping().Converter, command.Add("p" + i, null))).ToArray();

    /// <summary>Binds the row's values to the columns' parameters.</summary>
    private protected DbCommand Bind(TEntity row)
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

    private protected sealed record Column(IProperty Property, ValueConverter? Converter, DbParameter Value);

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

    private readonly DbParameter? _guard;

    private RowUpdate(DbCommand command, Column[] columns, Column key, DbParameter? guard)
        : base(command, columns) => (_key, _guard) = (key, guard);

    /// <summary>Prepares the statement on the context's connection (which the caller keeps open), enlisted in the
    /// context's current transaction if there is one.</summary>
    /// <param name="key">The property that names the row (its primary key).</param>
    /// <param name="columns">The properties written.</param>
    public static RowUpdate<TEntity> Prepare(GatewayDbContext db, string key, params string[] columns) => PrepareGuarded(db, key, null, columns);

    /// <param name="guard">A property whose column must still hold the value given to <see cref="TryExecuteAsync"/> for
    /// the row to be written (a claim's owner), or null.</param>
    public static RowUpdate<TEntity> PrepareGuarded(GatewayDbContext db, string key, string? guard, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfZero(columns.Length);
        var map = Map(db);
        var command = db.CreateCommand();
        var set = Columns(command, columns.Select(map.Property));
        var keyColumn = new Column(map.Property(key), null, command.Add("key", null));
        var guardValue = guard is null ? null : command.Add("guard", null);
        command.CommandText =
            $"UPDATE {map.TableName} SET {string.Join(", ", set.Select(c => $"{map.ColumnName(c.Property)} = {c.Value.ParameterName}"))} "
            + $"WHERE {map.ColumnName(keyColumn.Property)} = @key"
            + (guard is null ? string.Empty : $" AND {map.ColumnName(map.Property(guard))} IS NOT DISTINCT FROM @guard");
        return new RowUpdate<TEntity>(command, set, keyColumn, guardValue);
    }

    /// <summary>Writes the row's columns from <paramref name="row"/>; throws when the row is gone (nothing may be recorded
    /// silently).</summary>
    public async Task ExecuteAsync(TEntity row)
    {
        if (!await TryExecuteAsync(row, null))
        {
            throw new InvalidOperationException($"{typeof(TEntity).Name} {_key.Property.GetGetter().GetClrValue(row)} is gone: its {ColumnList} could not be written");
        }
    }

    /// <summary>Writes the row's columns from <paramref name="row"/> when the row is there (and its guard column holds
    /// <paramref name="guard"/>); false otherwise.</summary>
    public async Task<bool> TryExecuteAsync(TEntity row, object? guard)
    {
        var command = Bind(row);
        _key.Value.Value = _key.Property.GetGetter().GetClrValue(row);
        if (_guard is not null)
        {
            _guard.Value = guard ?? DBNull.Value;
        }

        return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
    }
}

/// <summary><c>INSERT INTO table (every column of the entity's main table but its generated key) VALUES (...) RETURNING
/// key</c> of one row. A property mapped to another table (split off) is left to the caller.</summary>
internal sealed class RowInsert<TEntity> : PreparedRow<TEntity>
    where TEntity : class
{
    private RowInsert(DbCommand command, Column[] columns)
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
        var command = db.CreateCommand();
        var columns = Columns(command, map.Entity.GetProperties().Where(p => p != key && p.GetColumnName(map.Table) is not null));
        command.CommandText =
            $"INSERT INTO {map.TableName} ({string.Join(", ", columns.Select(c => map.ColumnName(c.Property)))}) "
            + $"VALUES ({string.Join(", ", columns.Select(c => c.Value.ParameterName))}) RETURNING {map.ColumnName(key)}";
        return new RowInsert<TEntity>(command, columns);
    }

    /// <summary>Inserts the row; returns the key the database gave it (the caller sets it on the object).</summary>
    public async Task<long> ExecuteAsync(TEntity row, CancellationToken cancellationToken) =>
        Convert.ToInt64(await Bind(row).ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary><c>INSERT INTO split (key, column) VALUES (...)</c>: the one column of an entity that is split off into a
/// table of its own (the raw bytes of an inbound mail), for a row whose key is known.</summary>
internal sealed class SplitRowInsert : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter _key;
    private readonly DbParameter _value;

    private SplitRowInsert(DbCommand command, DbParameter key, DbParameter value) => (_command, _key, _value) = (command, key, value);

    /// <summary>Prepares the statement for <typeparamref name="TEntity"/>'s columns in <paramref name="table"/>: its key
    /// and exactly one other.</summary>
    public static SplitRowInsert Prepare<TEntity>(GatewayDbContext db, string table)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(db);
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped");
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var key = entity.FindPrimaryKey()?.Properties is [var single] ? single : throw new InvalidOperationException($"{typeof(TEntity).Name} has no single key");
        var column = entity.GetProperties().Where(p => p != key && p.GetColumnName(store) is not null).ToList() is [var one]
            ? one
            : throw new InvalidOperationException($"{table} is not one column of {typeof(TEntity).Name} beside its key");
        static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var command = db.CreateCommand();
        var keyValue = command.Add("key", null);
        var value = command.Add("value", null);
        command.CommandText = $"INSERT INTO {Quote(table)} ({Quote(key.GetColumnName(store)!)}, {Quote(column.GetColumnName(store)!)}) VALUES (@key, @value)";
        return new SplitRowInsert(command, keyValue, value);
    }

    public Task<int> ExecuteAsync(object key, object value, CancellationToken cancellationToken)
    {
        (_key.Value, _value.Value) = (key, value);
        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
