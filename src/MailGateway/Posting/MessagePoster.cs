using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Configurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Posting;

/// <summary>
/// The one way a message gets posted, from the web, the command line or a reply by mail: checks permission now,
/// requires text or an attachment, enforces the limits, resolves mentions, and stores message, attachments and
/// mentions in one transaction, together with a <see cref="PendingFanout"/> row: the notification mails and digest
/// items of its recipients are queued after the commit by <see cref="NotificationFanout"/>, exactly once. A refused post
/// saves nothing.
/// </summary>
public sealed class MessagePoster(
    GatewayDbContext db, IWakeups wakeups, LookupCache cache, TimeProvider timeProvider, ILogger<MessagePoster> logger)
{
    /// <summary>Files this large or larger that can be read twice are written into their row in chunks, never held whole
    /// (neither by the gateway nor by SQLite, which copies a bound parameter twice).</summary>
    public const int StreamedBytes = IBlobStore.StreamedBytes;

    public async Task<PostResult> PostAsync(PostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var author = await CachedRows.UserAsync(db, cache, request.AuthorId, cancellationToken);
        if (author is null)
        {
            return PostResult.Failed(PostErrorCode.AuthorNotFound, $"User {request.AuthorId} does not exist.", request.AuthorId);
        }

        var channel = await CachedRows.ChannelAsync(db, cache, request.ChannelId, cancellationToken);
        if (channel is null)
        {
            return PostResult.Failed(PostErrorCode.ChannelNotFound, $"Channel {request.ChannelId} does not exist.", request.ChannelId);
        }

        var access = ChannelPolicy.Decide(
            await AccessContextLoader.LoadAsync(db, cache, author.Id, channel.TitleId, cancellationToken), channel.Kind, channel.Language);
        if (!access.CanPost)
        {
            return PostResult.Failed(
                PostErrorCode.PermissionDenied,
                $"You cannot post in {channel.Title!.Name} · {ChannelNames.Display(channel)}: {access.PostDeniedReason}.",
                channel.Title!.Name, ChannelNames.Display(channel), access.PostDeniedReason ?? string.Empty);
        }

        var text = NormalizeText(request.Text);
        if (text.Length > PostingLimits.MaxTextLength)
        {
            return PostResult.Failed(
                PostErrorCode.TextTooLong,
                $"The message is {text.Length:N0} characters long; the limit is {PostingLimits.MaxTextLength:N0}.",
                text.Length, PostingLimits.MaxTextLength);
        }

        if (request.Attachments.Count > PostingLimits.MaxAttachments)
        {
            return PostResult.Failed(
                PostErrorCode.TooManyAttachments,
                $"A message can carry at most {PostingLimits.MaxAttachments} attachments; this one has {request.Attachments.Count}.",
                PostingLimits.MaxAttachments, request.Attachments.Count);
        }

        if (text.Length == 0 && request.Attachments.Count == 0)
        {
            return PostResult.Failed(PostErrorCode.Empty, "A message needs text or at least one attachment.");
        }

        var message = new Message
        {
            ChannelId = channel.Id,
            AuthorId = author.Id,
            Text = text,
            Origin = request.Origin,
            CreatedAtUtc = timeProvider.GetUtcNow().UtcDateTime,
            SourceMessageId = request.SourceMessageId,
        };

        var streamed = new List<(Attachment Attachment, Func<Stream> Read)>();
        foreach (var file in request.Attachments)
        {
            var (attachment, error, readAgain) = await ReadAttachmentAsync(file, cancellationToken);
            if (error is not null)
            {
                return PostResult.Failed(error.Code, error.Message, [.. error.Arguments]);
            }

            message.Attachments.Add(attachment!);
            if (readAgain is not null)
            {
                streamed.Add((attachment!, readAgain));
            }
        }

        var mentions = await ResolveMentionsAsync(text, author, channel, cancellationToken);
        foreach (var user in mentions.Permitted)
        {
            message.Mentions.Add(new Mention { UserId = user.Id });
        }

        // Join the caller's transaction (a reply threaded by the inbound pipeline, in its mail's savepoint) or open our
        // own. The rows are written at once through plain statements; a streamed file is then written into its row.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.Dialect.Messages.InsertAsync(db, message, cancellationToken);
        foreach (var (attachment, read) in streamed)
        {
            await WriteContentAsync(attachment, read(), cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            await wakeups.PublishAsync(Wakeup.Posted, cancellationToken);
        }

        logger.LogInformation(
            "Posted message {MessageId} by user {UserId} in channel {ChannelId} ({Origin}, {AttachmentCount} attachments)",
            message.Id, author.Id, channel.Id, request.Origin, message.Attachments.Count);

        return new PostResult(message, null, mentions.Permitted, mentions.Unknown, mentions.WithoutAccess)
        {
            MentionsWithoutMail = await UnmailedMentionsAsync(channel, mentions.Permitted, cancellationToken),
        };
    }

    /// <summary>The permitted mentions that will send no mail, as the fan-out will see them now.</summary>
    private async Task<IReadOnlyList<UnmailedMention>> UnmailedMentionsAsync(Channel channel, List<User> mentioned, CancellationToken cancellationToken)
    {
        if (mentioned.Count == 0)
        {
            return [];
        }

        var members = await RecipientLoader.WithSuppressionAsync(
            db, await RecipientLoader.LoadAsync(db, channel, mentioned.Select(u => u.Id).ToList(), includeFollowers: false, cancellationToken), cancellationToken);
        return members
            .Select(m => (Member: m, Reason: RecipientResolver.MentionUnmailedReason(m, channel.Kind, channel.Language)))
            .Where(x => x.Reason is not null)
            .Select(x => new UnmailedMention(mentioned.First(u => u.Id == x.Member.UserId), x.Reason!.Value))
            .ToList();
    }

    private static string NormalizeText(string? text) =>
        (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    /// <summary>Reads a file once: measured against the limit and hashed, and kept in memory unless it is large and can be
    /// read again (then its row is written from a second read, <see cref="WriteContentAsync"/>).</summary>
    /// <returns>The attachment, or the reason it is refused; and for a file not kept in memory, how to read it again.</returns>
    private static async Task<(Attachment? Attachment, PostError? Error, Func<Stream>? ReadAgain)> ReadAttachmentAsync(
        NewAttachment file, CancellationToken cancellationToken)
    {
        var name = FileNames.Sanitize(file.FileName);
        var content = file.Content;
        var expected = file.ExpectedBytes ?? (content.CanSeek ? content.Length - content.Position : null);
        Func<Stream>? readAgain = null;
        if (expected >= StreamedBytes)
        {
            var start = content.CanSeek ? content.Position : 0;
            readAgain = file.OpenAgain ?? (content.CanSeek ? () => { content.Position = start; return content; } : null);
        }

        var capacity = readAgain is null && expected is > 0 and <= PostingLimits.MaxAttachmentBytes ? (int)expected.Value : 0;
        using var buffer = readAgain is null ? new MemoryStream(capacity) : null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[81920];
        long length = 0;
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (length + read > PostingLimits.MaxAttachmentBytes)
            {
                return (null, new PostError(
                    PostErrorCode.AttachmentTooLarge,
                    $"The attachment '{name}' is larger than the limit of {PostingLimits.Describe(PostingLimits.MaxAttachmentBytes)} per file; nothing was posted.")
                {
                    Arguments = [name, PostingLimits.MaxAttachmentBytes],
                }, null);
            }

            buffer?.Write(chunk, 0, read);
            hash.AppendData(chunk, 0, read);
            length += read;
        }

        if (length == 0)
        {
            return (null, new PostError(PostErrorCode.AttachmentInvalid, $"The attachment '{name}' is empty; nothing was posted.") { Arguments = [name] }, null);
        }

        var attachment = new Attachment
        {
            FileName = name,
            ContentType = NormalizeContentType(file.ContentType),
            SizeBytes = length,
            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
            // The buffer itself when the expected size was right (no second copy of a large file); nothing for a file
            // written into its row from a second read.
            Content = buffer is null ? [] : buffer.Capacity == buffer.Length ? buffer.GetBuffer() : buffer.ToArray(),
        };
        return (attachment, null, readAgain);
    }

    /// <summary>Writes a file not kept in memory into its saved row, from a second read that must give the same bytes.</summary>
    private async Task WriteContentAsync(Attachment attachment, Stream content, CancellationToken cancellationToken)
    {
        var sha = await db.Dialect.Blobs.WriteAsync(db, BlobColumn.AttachmentContent, attachment.Id, attachment.SizeBytes, content, cancellationToken);
        if (sha != attachment.Sha256)
        {
            throw new InvalidDataException($"The attachment '{attachment.FileName}' read differently the second time.");
        }
    }

    private static string NormalizeContentType(string? contentType)
    {
        var value = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(value) || value.Length > 255 || !value.Contains('/', StringComparison.Ordinal)
            ? "application/octet-stream"
            : value;
    }

    /// <summary>The users the text mentions. A vendor's user sees staff and their own company's users only: a mention of
    /// anyone else is answered as a name that matches nobody, so mentions never serve as a directory of other vendors.</summary>
    private async Task<(List<User> Permitted, List<string> Unknown, List<User> WithoutAccess)> ResolveMentionsAsync(
        string text, User author, Channel channel, CancellationToken cancellationToken)
    {
        var tokens = MentionParser.Parse(text);
        var permitted = new List<User>();
        var unknown = new List<string>();
        var withoutAccess = new List<User>();
        if (tokens.Count == 0)
        {
            return (permitted, unknown, withoutAccess);
        }

        var handles = tokens.Where(t => !t.IsEmail).Select(t => t.Value).ToList();
        var emails = tokens.Where(t => t.IsEmail).Select(t => t.Value).ToList();
        var byHandle = await db.Users.AsNoTracking().Where(u => handles.Contains(u.Handle)).ToListAsync(cancellationToken);
        var byEmail = await db.UserEmails.AsNoTracking().Where(e => emails.Contains(e.Address))
            .Join(db.Users.AsNoTracking(), e => e.UserId, u => u.Id, (e, u) => new { e.Address, User = u })
            .ToListAsync(cancellationToken);

        var seenUsers = new HashSet<int> { author.Id };
        foreach (var token in tokens)
        {
            var user = token.IsEmail
                ? byEmail.FirstOrDefault(x => x.Address == token.Value)?.User
                : byHandle.FirstOrDefault(u => u.Handle == token.Value);
            if (user is null || (author.Role == UserRole.Vendor && user.Role == UserRole.Vendor && user.VendorId != author.VendorId))
            {
                unknown.Add("@" + token.Value);
                continue;
            }

            if (!seenUsers.Add(user.Id))
            {
                continue;
            }

            var access = ChannelPolicy.Decide(
                await AccessContextLoader.LoadAsync(db, cache, user.Id, channel.TitleId, cancellationToken), channel.Kind, channel.Language);
            (access.CanRead ? permitted : withoutAccess).Add(user);
        }

        return (permitted, unknown, withoutAccess);
    }
}
