using ClpMailGateway.Domain;

namespace ClpMailGateway.Storage;

/// <summary>The <see cref="IMessageRows"/> statements, which both providers run alike (quoted names, <c>RETURNING</c>),
/// with the same columns and value formats as EF writes them.</summary>
public class MessageRows : IMessageRows
{
    public async Task InsertAsync(GatewayDbContext db, Message message, CancellationToken cancellationToken)
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
                INSERT INTO "Messages" ("ChannelId", "AuthorId", "Text", "Origin", "CreatedAtUtc", "SourceMessageId")
                VALUES (@channel, @author, @text, @origin, @created, @source) RETURNING "Id"
                """;
            insert.Add("channel", message.ChannelId);
            insert.Add("author", message.AuthorId);
            insert.Add("text", message.Text);
            insert.Add("origin", message.Origin.ToString());
            insert.Add("created", message.CreatedAtUtc);
            insert.Add("source", message.SourceMessageId);
            message.Id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (message.Attachments.Count > 0)
        {
            await using var file = db.CreateCommand();
            file.CommandText = """
                INSERT INTO "Attachments" ("MessageId", "FileName", "ContentType", "SizeBytes", "Sha256", "Content")
                VALUES (@message, @name, @type, @size, @sha, @content) RETURNING "Id"
                """;
            file.Add("message", message.Id);
            var name = file.Add("name", null);
            var type = file.Add("type", null);
            var size = file.Add("size", null);
            var sha = file.Add("sha", null);
            var content = file.Add("content", null);
            foreach (var attachment in message.Attachments)
            {
                (name.Value, type.Value, size.Value, sha.Value, content.Value) =
                    (attachment.FileName, attachment.ContentType, attachment.SizeBytes, attachment.Sha256, attachment.Content);
                attachment.MessageId = message.Id;
                attachment.Id = Convert.ToInt64(await file.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await using (var pending = db.CreateCommand())
        {
            pending.CommandText = """INSERT INTO "PendingFanouts" ("MessageId", "CreatedAtUtc", "Attempts") VALUES (@message, @created, 0)""";
            pending.Add("message", message.Id);
            pending.Add("created", message.CreatedAtUtc);
            await pending.ExecuteNonQueryAsync(cancellationToken);
        }

        if (message.Mentions.Count > 0)
        {
            await using var mention = db.CreateCommand();
            mention.CommandText = """INSERT INTO "Mentions" ("MessageId", "UserId") VALUES (@message, @user)""";
            mention.Add("message", message.Id);
            var user = mention.Add("user", null);
            foreach (var each in message.Mentions)
            {
                each.MessageId = message.Id;
                user.Value = each.UserId;
                await mention.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await InsertedAsync(db, message, cancellationToken);
    }

    /// <summary>What a provider does beside the rows, in the same transaction (PostgreSQL indexes the message's words;
    /// SQLite's triggers do that).</summary>
    protected virtual Task InsertedAsync(GatewayDbContext db, Message message, CancellationToken cancellationToken) => Task.CompletedTask;
}
