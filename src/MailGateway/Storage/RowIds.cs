using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClpMailGateway.Storage;

/// <summary>
/// The id SQLite would give the next row of a table (<c>AUTOINCREMENT</c> or not), for rows whose ids must be known
/// before they are saved (a message whose notifications name it, saved with them in one <c>SaveChanges</c>). Only
/// inside the write transaction that inserts them: SQLite's transactions here are <c>BEGIN IMMEDIATE</c>, so no other
/// connection can insert meanwhile; and only for one pending row set at a time per table.
/// </summary>
public static class RowIds
{
    public static async Task<long> NextAsync(GatewayDbContext db, Type entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var table = db.Model.FindEntityType(entity)?.GetTableName() ?? throw new ArgumentException($"{entity.Name} is not mapped to a table.", nameof(entity));
        if (!SqliteBlobs.IsName(table))
        {
            throw new ArgumentException($"Not a plain table name: {table}", nameof(entity));
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as SqliteTransaction
            ?? throw new InvalidOperationException("Row ids are taken inside the write transaction that inserts the rows.");
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), coalesce((SELECT max(rowid) FROM \"{table}\"), 0)) + 1";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
