using ClpMailGateway.Domain;
using Microsoft.Data.Sqlite;

namespace ClpMailGateway.Storage;

/// <summary>
/// Inserts a new message with its files (their content as held in memory; empty for a file written into its row
/// afterwards), its mentions and its pending fan-out through plain SQLite statements in the DbContext's current
/// transaction, at once, instead of through EF's change tracking at the next <c>SaveChanges</c> (~4x the cost per mail on
/// the inbound pipeline's serial path). The rows get their ids from SQLite (<c>RETURNING</c>) and the objects are left
/// untracked. Same columns and value formats as EF writes them.
/// </summary>
public static class MessageRows
{
    public static async Task InsertAsync(GatewayDbContext db, Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(message);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A message is inserted this way only inside a write transaction.");
        }

        await using (var insert = db.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO Messages (ChannelId, AuthorId, Text, Origin, CreatedAtUtc, SourceMessageId)
                VALUES ($channel, $author, $text, $origin, $created, $source) RETURNING Id
                """;
            insert.Parameters.AddWithValue("$channel", message.ChannelId);
            insert.Parameters.AddWithValue("$author", message.AuthorId);
            insert.Parameters.AddWithValue("$text", message.Text);
            insert.Parameters.AddWithValue("$origin", message.Origin.ToString());
            insert.Parameters.AddWithValue("$created", message.CreatedAtUtc);
            insert.Parameters.AddWithValue("$source", (object?)message.SourceMessageId ?? DBNull.Value);
            message.Id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        if (message.Attachments.Count > 0)
        {
            await using var file = db.CreateCommand();
            file.CommandText = """
                INSERT INTO Attachments (MessageId, FileName, ContentType, SizeBytes, Sha256, Content)
                VALUES ($message, $name, $type, $size, $sha, $content) RETURNING Id
                """;
            var name = file.Parameters.Add("$name", SqliteType.Text);
            var type = file.Parameters.Add("$type", SqliteType.Text);
            var size = file.Parameters.Add("$size", SqliteType.Integer);
            var sha = file.Parameters.Add("$sha", SqliteType.Text);
            var content = file.Parameters.Add("$content", SqliteType.Blob);
            file.Parameters.AddWithValue("$message", message.Id);
            foreach (var attachment in message.Attachments)
            {
                (name.Value, type.Value, size.Value, sha.Value, content.Value) =
                    (attachment.FileName, attachment.ContentType, attachment.SizeBytes, attachment.Sha256, attachment.Content);
                attachment.MessageId = message.Id;
                attachment.Id = (long)(await file.ExecuteScalarAsync(cancellationToken))!;
            }
        }

        await using (var rest = db.CreateCommand())
        {
            rest.CommandText = "INSERT INTO PendingFanouts (MessageId, CreatedAtUtc, Attempts) VALUES ($message, $created, 0)";
            rest.Parameters.AddWithValue("$message", message.Id);
            rest.Parameters.AddWithValue("$created", message.CreatedAtUtc);
            await rest.ExecuteNonQueryAsync(cancellationToken);
            if (message.Mentions.Count > 0)
            {
                rest.CommandText = "INSERT INTO Mentions (MessageId, UserId) VALUES ($message, $user)";
                rest.Parameters.RemoveAt("$created");
                var user = rest.Parameters.Add("$user", SqliteType.Integer);
                foreach (var mention in message.Mentions)
                {
                    mention.MessageId = message.Id;
                    user.Value = mention.UserId;
                    await rest.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
    }
}
