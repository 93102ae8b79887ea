using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The outbox writer's one prepared statement: <c>UPDATE OutboundMails SET Status, Attempts, SentAtUtc, LastError,
/// NextAttemptAtUtc WHERE Id</c>, run once per sent or failed mail in the writer's transaction. Table, column names and
/// the value conversions (Status is stored as its name) are read from the EF model, so the statement follows the
/// mapping instead of repeating it.
/// </summary>
internal sealed class OutcomeUpdate : IAsyncDisposable
{
    private readonly SqliteCommand _command;
    private readonly ValueConverter? _status;
    private readonly SqliteParameter[] _values;

    private OutcomeUpdate(SqliteCommand command, ValueConverter? status, SqliteParameter[] values)
    {
        _command = command;
        _status = status;
        _values = values;
    }

    /// <summary>Prepares the statement on the context's connection, which the caller has opened.</summary>
    public static OutcomeUpdate Prepare(GatewayDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(OutboundMail)) ?? throw new InvalidOperationException("OutboundMail is not mapped");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string name) => Quote(entity.FindProperty(name)!.GetColumnName(table)!);
        string[] columns = [nameof(OutboundMail.Status), nameof(OutboundMail.Attempts), nameof(OutboundMail.SentAtUtc), nameof(OutboundMail.LastError), nameof(OutboundMail.NextAttemptAtUtc), nameof(OutboundMail.Id)];
        var values = columns.Select((_, i) => new SqliteParameter("$p" + i, null)).ToArray();
        var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"UPDATE {Quote(table.Name)} SET "
            + string.Join(", ", columns[..^1].Select((c, i) => $"{Column(c)} = $p{i}"))
            + $" WHERE {Column(columns[^1])} = $p{columns.Length - 1}";
        command.Parameters.AddRange(values);
        return new OutcomeUpdate(command, entity.FindProperty(nameof(OutboundMail.Status))!.GetTypeMapping().Converter, values);
    }

    public void Enlist(SqliteTransaction transaction) => _command.Transaction = transaction;

    /// <summary>Writes the mail's outcome columns; throws when the row is gone (nothing may be recorded silently).</summary>
    public async Task ExecuteAsync(OutboundMail mail)
    {
        _values[0].Value = _status?.ConvertToProvider(mail.Status) ?? mail.Status;
        _values[1].Value = mail.Attempts;
        _values[2].Value = (object?)mail.SentAtUtc ?? DBNull.Value;
        _values[3].Value = (object?)mail.LastError ?? DBNull.Value;
        _values[4].Value = mail.NextAttemptAtUtc;
        _values[5].Value = mail.Id;
        if (await _command.ExecuteNonQueryAsync(CancellationToken.None) != 1)
        {
            throw new InvalidOperationException($"Outbound mail {mail.Id} is gone: its outcome ({mail.Status}) could not be recorded");
        }
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
