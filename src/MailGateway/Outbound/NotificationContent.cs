using ClpMailGateway.Domain;
using ClpMailGateway.Posting;

namespace ClpMailGateway.Outbound;

/// <summary>Everything about a posted message that its notifications show; the same for every recipient.</summary>
public sealed record NotificationContent(
    long MessageId,
    string Text,
    DateTime CreatedAtUtc,
    string AuthorName,
    int ChannelId,
    ChannelKind Kind,
    string ChannelKey,
    string ChannelName,
    string TitleSlug,
    string TitleName,
    IReadOnlyList<NotificationFile> Files)
{
    /// <summary>A vendor channel's language (a BCP 47 tag); null for the others.</summary>
    public string? ChannelLanguage { get; init; }

    public static NotificationContent From(Message message, Channel channel, Title title, User author)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(author);
        return new NotificationContent(
            message.Id,
            message.Text,
            message.CreatedAtUtc,
            author.Name,
            channel.Id,
            channel.Kind,
            channel.Key,
            ChannelNames.Display(channel),
            title.Slug,
            title.Name,
            message.Attachments.Select(a => new NotificationFile(a.Id, FileNames.Sanitize(a.FileName), a.ContentType, a.SizeBytes, a.Content)).ToList())
        {
            ChannelLanguage = channel.Language,
        };
    }
}
