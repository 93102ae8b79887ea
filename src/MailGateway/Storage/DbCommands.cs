using System.Data.Common;

namespace ClpMailGateway.Storage;

/// <summary>Parameters of the hand-written statements under <c>Storage/</c>, the same on both providers.</summary>
public static class DbCommands
{
    /// <summary>Adds parameter <c>@name</c> (written <paramref name="name"/> without the @) with a value (null: SQL NULL).</summary>
    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static async Task<int> ExecuteAsync(this DbCommand command, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
