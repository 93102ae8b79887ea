using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClpMailGateway.Tests.Storage;

/// <summary>Each provider has its own migration set; these fail when either set falls behind the model, or when the two
/// sets describe different tables, columns, keys or indexes.</summary>
public sealed class MigrationDriftTests
{
    [Fact]
    public void Sqlite_Model_HasNoChangesOutsideItsMigrations()
    {
        using var db = SqliteContext();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed: add a SQLite migration (see README, Tests)");
    }

    [Fact]
    public void Postgres_Model_HasNoChangesOutsideItsMigrations()
    {
        using var db = PostgresContext();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed: add a PostgreSQL migration (see README, Running several gateways)");
    }

    [Fact]
    public void Migrations_BothProviders_DescribeTheSameSchema()
    {
        using var sqlite = SqliteContext();
        using var postgres = PostgresContext();

        var expected = Describe(Snapshot(sqlite));
        var actual = Describe(Snapshot(postgres));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Describe_ColumnMissingOnOneSide_IsADifference()
    {
        // The comparison itself can fail: the current model against a snapshot of an older SQLite migration set differs.
        using var sqlite = SqliteContext();
        var current = Describe(sqlite.GetService<IDesignTimeModel>().Model);
        var older = Describe(Snapshot(sqlite)).Where(line => !line.Contains("OutboundMails.ClaimedBy", StringComparison.Ordinal)).ToList();

        Assert.NotEqual(current, older);
    }

    private static GatewayDbContext SqliteContext() =>
        new(new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgresGatewayDbContext PostgresContext() =>
        new(new DbContextOptionsBuilder<PostgresGatewayDbContext>().UseNpgsql("Host=127.0.0.1;Database=drift_check").Options);

    /// <summary>The model the provider's last migration left (its snapshot), ready to read.</summary>
    private static IModel Snapshot(GatewayDbContext db)
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot ?? throw new InvalidOperationException("no migrations");
        return db.GetService<IModelRuntimeInitializer>().Initialize(snapshot.Model, designTime: true);
    }

    /// <summary>Every table, column (type in CLR terms, nullability, length), key, index and foreign key, one line each.</summary>
    private static List<string> Describe(IModel model)
    {
        var lines = new List<string>();
        foreach (var entity in model.GetEntityTypes())
        {
            var table = entity.GetTableName() ?? entity.GetViewName() ?? entity.Name;
            foreach (var property in entity.GetProperties())
            {
                var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                lines.Add($"{table}.{property.GetColumnName()} {type.Name} null={property.IsNullable} max={property.GetMaxLength()} fixed={property.IsFixedLength()}");
            }

            lines.AddRange(entity.GetKeys().Select(k => $"{table} key ({Columns(k.Properties)}) primary={k.IsPrimaryKey()}"));
            lines.AddRange(entity.GetIndexes().Select(i => $"{table} index {i.GetDatabaseName()} ({Columns(i.Properties)}) unique={i.IsUnique}"));
            lines.AddRange(entity.GetForeignKeys().Select(f =>
                $"{table} foreign ({Columns(f.Properties)}) -> {f.PrincipalEntityType.GetTableName()} ({Columns(f.PrincipalKey.Properties)}) {f.DeleteBehavior}"));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Columns(IEnumerable<IProperty> properties) => string.Join(", ", properties.Select(p => p.GetColumnName()));
}
