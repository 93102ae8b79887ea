using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Commands;

internal static class MessageQueries
{
    /// <summary>Messages of a channel as output lines, oldest first; or only the given ids, in the given order.</summary>
    public static async Task<List<MessageOutput>> LoadAsync(
        GatewayDbContext db, Title title, Channel channel, IReadOnlyList<long>? ids, int? limit, CancellationToken cancellationToken)
    {
        // Given ids (search hits) are looked up by id alone: with "AND ChannelId = @c" as well, SQLite chose the
        // channel's index and read the whole conversation. Rows of another channel are dropped below.
        var query = ids is not null
            ? db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id))
            : db.Messages.AsNoTracking().Where(m => m.ChannelId == channel.Id);
        if (ids is null)
        {
            query = query.OrderBy(m => m.CreatedAtUtc).ThenBy(m => m.Id);
            if (limit is { } take)
            {
                // The newest N, printed oldest first like a conversation.
                query = query.OrderByDescending(m => m.CreatedAtUtc).ThenByDescending(m => m.Id).Take(take)
                    .OrderBy(m => m.CreatedAtUtc).ThenBy(m => m.Id);
            }
        }

        var rows = await query.Select(m => new
        {
            m.Id,
            m.ChannelId,
            m.Text,
            m.Origin,
            m.CreatedAtUtc,
            AuthorName = m.Author!.Name,
            AuthorEmail = db.UserEmails.Where(e => e.UserId == m.AuthorId).OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id)
                .Select(e => e.Address).FirstOrDefault(),
            Attachments = m.Attachments.OrderBy(a => a.Id)
                .Select(a => new AttachmentOutput(a.FileName, a.ContentType, a.SizeBytes, a.Sha256)).ToList(),
            Mentions = m.Mentions.Select(x => db.UserEmails.Where(e => e.UserId == x.UserId).OrderByDescending(e => e.IsPrimary)
                .ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault()).ToList(),
        }).ToListAsync(cancellationToken);

        var outputs = rows.Where(r => r.ChannelId == channel.Id).Select(r => new MessageOutput(
            "message",
            r.Id,
            title.Slug,
            channel.Key,
            new MessageAuthorOutput(r.AuthorEmail ?? string.Empty, r.AuthorName),
            r.Text,
            r.Origin,
            DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc),
            r.Attachments,
            r.Mentions.Where(e => e is not null).Select(e => e!).Order(StringComparer.Ordinal).ToList())).ToList();

        if (ids is not null)
        {
            var order = ids.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index);
            outputs.Sort((a, b) => order[a.Id].CompareTo(order[b.Id]));
        }

        return outputs;
    }
}
