using System.Data.Common;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Storage;

/// <summary>
/// The rows a fan-out queues, through one prepared statement each in the write transaction (EF's change tracking and
/// command building cost ~10x more per row, all of it inside the write transaction): outbox mails, digest items, and the
/// start of a channel's mail thread for a user. The same statements on both providers.
/// </summary>
public sealed class QueuedRows : IAsyncDisposable
{
    private static readonly string[] MailNames = ["purpose", "to", "from", "rateKey", "raw", "status", "created", "next", "trace"];
    private static readonly string[] ItemNames = ["user", "message", "created"];
    private static readonly string[] ThreadNames = ["channel", "user", "started"];

    private readonly DbCommand _mail;
    private readonly DbParameter[] _mailValues;
    private readonly DbCommand _item;
    private readonly DbParameter[] _itemValues;
    private readonly DbCommand _thread;
    private readonly DbParameter[] _threadValues;

    private QueuedRows(GatewayDbContext db)
    {
        _mail = db.CreateCommand();
        _mailValues = [.. MailNames.Select(n => _mail.Add(n, null))];
        _mail.CommandText = """
            INSERT INTO "OutboundMails" ("Purpose", "ToAddress", "EnvelopeFrom", "RateKey", "Raw", "Status", "CreatedAtUtc", "NextAttemptAtUtc", "TraceParent", "Attempts")
            VALUES (@purpose, @to, @from, @rateKey, @raw, @status, @created, @next, @trace, 0)
            """;
        _item = db.CreateCommand();
        _itemValues = [.. ItemNames.Select(n => _item.Add(n, null))];
        _item.CommandText = """INSERT INTO "DigestItems" ("UserId", "MessageId", "CreatedAtUtc") VALUES (@user, @message, @created)""";
        _thread = db.CreateCommand();
        _threadValues = [.. ThreadNames.Select(n => _thread.Add(n, null))];
        _thread.CommandText = """INSERT INTO "MailThreads" ("ChannelId", "UserId", "StartedAtUtc") VALUES (@channel, @user, @started) ON CONFLICT DO NOTHING""";
    }

    /// <summary>Prepares the statements on the context's connection, in its current transaction.</summary>
    public static QueuedRows Prepare(GatewayDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Queued rows are written only inside a write transaction.");
        }

        return new QueuedRows(db);
    }

    public Task<int> InsertMailAsync(OutboundMail row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        object?[] values = [row.Purpose, row.ToAddress, row.EnvelopeFrom, row.RateKey, row.Raw, row.Status.ToString(), row.CreatedAtUtc, row.NextAttemptAtUtc, row.TraceParent];
        return Run(_mail, _mailValues, values, cancellationToken);
    }

    public Task<int> InsertDigestItemAsync(DigestItem row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Run(_item, _itemValues, [row.UserId, row.MessageId, row.CreatedAtUtc], cancellationToken);
    }

    /// <summary>Records that the channel's mail thread for the user starts now; false when it was started already.</summary>
    public async Task<bool> TryStartThreadAsync(int channelId, int userId, DateTime startedAtUtc, CancellationToken cancellationToken) =>
        await Run(_thread, _threadValues, [channelId, userId, startedAtUtc], cancellationToken) == 1;

    public async ValueTask DisposeAsync()
    {
        await _mail.DisposeAsync();
        await _item.DisposeAsync();
        await _thread.DisposeAsync();
    }

    private static Task<int> Run(DbCommand command, DbParameter[] parameters, object?[] values, CancellationToken cancellationToken)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }
}
