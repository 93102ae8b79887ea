using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Following;
using ClpMailGateway.Links;
using ClpMailGateway.Posting;
using ClpMailGateway.Reading;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Conversations;

/// <summary>A channel's conversation (newest first, paged), posting with attachments through <see cref="MessagePoster"/>,
/// and attachment downloads. Permission is decided on every request by <see cref="ChannelAccess"/>.</summary>
public static class ConversationEndpoints
{
    /// <summary>An upload of up to 20 files of 10 MB reaches the handler, so a file over the limit gets a message naming
    /// it instead of a bare 413; the form reader buffers large files on disk. The one endpoint with a large body.</summary>
    public const long MaxUploadBytes = (PostingLimits.MaxAttachments * (PostingLimits.MaxAttachmentBytes + (1024 * 1024))) + (1024 * 1024);

    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder group)
    {
        group.MapGet(WebRoutes.Channel, async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, IOptions<WebOptions> options, TimeProvider time, string slug, string key, [FromQuery] string? before,
            CancellationToken cancellationToken) =>
        {
            var (user, access, denied) = await OpenAsync(context, db, slug, key, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            long? beforeId = long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
            return await RenderAsync(db, options.Value, time, user!, access!, beforeId, null, [], [], StatusCodes.Status200OK, cancellationToken);
        });

        group.MapPost(WebRoutes.ChannelMessages, async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, MessagePoster poster, IOptions<WebOptions> options, TimeProvider time, string slug, string key,
            [FromForm] string? text, IFormFileCollection files, CancellationToken cancellationToken) =>
        {
            var (user, access, denied) = await OpenAsync(context, db, slug, key, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var chosen = files.Where(f => !(f.Length == 0 && string.IsNullOrEmpty(f.FileName))).ToList();
            var streams = chosen.Select(f => f.OpenReadStream()).ToList();
            PostResult result;
            try
            {
                var attachments = chosen.Select((f, i) => new NewAttachment(f.FileName, f.ContentType, streams[i])).ToList();
                result = await poster.PostAsync(new PostRequest(user!.Id, access!.Channel.Id, text, attachments, MessageOrigin.Web), cancellationToken);
            }
            finally
            {
                foreach (var stream in streams)
                {
                    await stream.DisposeAsync();
                }
            }

            if (!result.Succeeded)
            {
                var status = result.Error!.Code switch
                {
                    PostErrorCode.PermissionDenied => StatusCodes.Status403Forbidden,
                    PostErrorCode.AttachmentTooLarge => StatusCodes.Status413PayloadTooLarge,
                    _ => StatusCodes.Status400BadRequest,
                };
                return await RenderAsync(db, options.Value, time, user, access, null, text, [PostingPhrases.Of(result.Error)], [], status, cancellationToken);
            }

            // The post stands; what the author should know about its mentions is shown above the conversation.
            var notices = result.MentionNotices().Select(PostingPhrases.Of).ToList();
            return notices.Count == 0
                ? TypedResults.Redirect(access.Path + "#m" + result.Message!.Id.ToString(CultureInfo.InvariantCulture))
                : await RenderAsync(db, options.Value, time, user, access, null, null, [], notices, StatusCodes.Status200OK, cancellationToken);
        }).WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes)).RequireRateLimiting(WebSecurity.PostingPolicy);

        group.MapGet(WebRoutes.Attachment, async Task<Results<FileContentHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, long id, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            if (user is null)
            {
                return Pages.Deactivated();
            }

            var file = await db.Attachments.AsNoTracking().Where(a => a.Id == id)
                .Join(db.Messages, a => a.MessageId, m => m.Id, (a, m) => new { a.FileName, a.ContentType, a.Content, m.ChannelId })
                .SingleOrDefaultAsync(cancellationToken);
            var channel = file is null ? null
                : await db.Channels.AsNoTracking().Include(c => c.Title).SingleOrDefaultAsync(c => c.Id == file.ChannelId, cancellationToken);
            if (file is null || channel is null)
            {
                return Pages.NotFound(user);
            }

            // As for its conversation: 403 on a title the user shares, not found on any other (nothing leaks).
            var access = await ChannelAccess.ForAsync(db, user.Id, channel, cancellationToken);
            if (!access.Decision.CanRead)
            {
                return await RefuseAsync(db, user, access, cancellationToken);
            }

            context.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.File(file.Content, SafeContentType(file.ContentType), FileNames.Sanitize(file.FileName));
        });

        return group;
    }

    /// <summary>The signed-in user and the channel, or the page that refuses them: 404 when the title is unknown or
    /// shares nothing with the user, 403 with the policy's reason when the title is theirs but this channel is not.</summary>
    internal static async Task<(CurrentUser? User, ChannelAccess? Access, RazorComponentResult? Denied)> OpenAsync(
        HttpContext context, GatewayDbContext db, string slug, string key, CancellationToken cancellationToken)
    {
        var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
        if (user is null)
        {
            return (null, null, Pages.Deactivated());
        }

        var access = await ChannelAccess.FindAsync(db, user.Id, slug, key, cancellationToken);
        if (access is null)
        {
            return (user, null, Pages.NotFound(user));
        }

        if (!access.Decision.CanRead)
        {
            return (user, null, await RefuseAsync(db, user, access, cancellationToken));
        }

        return (user, access, null);
    }

    /// <summary>403 with the policy's reason when the title shares another channel with the user, else not found.</summary>
    private static async Task<RazorComponentResult> RefuseAsync(GatewayDbContext db, CurrentUser user, ChannelAccess access, CancellationToken cancellationToken)
    {
        var titleShared = (await ChannelAccess.AllOfTitleAsync(db, user.Id, access.Title, cancellationToken)).Any(c => c.Decision.CanRead);
        return titleShared
            ? Pages.Message(user, StatusCodes.Status403Forbidden, Phrase.Of<ConversationStrings>("NotShared"),
                Phrase.Of<ConversationStrings>("NotSharedText", AccessText.Of(access.Decision.ReadDenied)), WebRoutes.TitlePath(access.Title.Slug),
                Phrase.Of<ConversationStrings>("BackToTheTitle"))
            : Pages.NotFound(user);
    }

    internal static IQueryable<MessageItem.MessageRow> Rows(IQueryable<Message> messages) =>
        messages.Select(m => new MessageItem.MessageRow(
            m.Id,
            m.Author!.Name,
            m.Text,
            m.Origin,
            m.CreatedAtUtc,
            m.Attachments.OrderBy(a => a.Id).Select(a => new MessageItem.AttachmentRow(a.Id, a.FileName, a.SizeBytes)).ToList())
        {
            AuthorId = m.AuthorId,
        });

    /// <summary>A file's name as every page shows it: the one safe form (<see cref="FileNames.Sanitize"/>) that mails and
    /// downloads use too, whatever an older row holds.</summary>
    internal static string ShownName(string fileName) => FileNames.Sanitize(fileName);

    private static async Task<RazorComponentResult> RenderAsync(
        GatewayDbContext db, WebOptions options, TimeProvider timeProvider, CurrentUser user, ChannelAccess access, long? before, string? text,
        IReadOnlyList<Phrase> errors, IReadOnlyList<Phrase> notices, int status, CancellationToken cancellationToken)
    {
        var query = db.Messages.AsNoTracking().Where(m => m.ChannelId == access.Channel.Id);
        if (before is { } beforeId)
        {
            // Keyset paging on (time, id), served by the (ChannelId, CreatedAtUtc) index.
            var anchor = await db.Messages.AsNoTracking().Where(m => m.Id == beforeId && m.ChannelId == access.Channel.Id)
                .Select(m => (DateTime?)m.CreatedAtUtc).SingleOrDefaultAsync(cancellationToken);
            query = anchor is { } at
                ? query.Where(m => m.CreatedAtUtc < at || (m.CreatedAtUtc == at && m.Id < beforeId))
                : query.Where(m => m.Id < beforeId);
        }

        var rows = await Rows(query.OrderByDescending(m => m.CreatedAtUtc).ThenByDescending(m => m.Id).Take(options.MessagesPerPage + 1))
            .ToListAsync(cancellationToken);
        long? older = rows.Count > options.MessagesPerPage ? rows[options.MessagesPerPage - 1].Id : null;
        var page = rows.Take(options.MessagesPerPage).ToList();
        // The mark moves to the newest message shown (an id, never a time); the page draws its line from the old one.
        var lastSeen = await ReadMarks.LastSeenAsync(db, user.Id, access.Channel.Id, cancellationToken);
        if (page.Count > 0)
        {
            await ReadMarks.MarkSeenAsync(db, user.Id, access.Channel.Id, page.Max(m => m.Id), timeProvider.GetUtcNow().UtcDateTime, cancellationToken);
        }

        return Pages.Show<ConversationPage>(
            new
            {
                User = user, Access = access, Messages = page, OlderBefore = older, IsFirstPage = before is null, Text = text, Errors = errors,
                Notices = notices, LastSeenBefore = lastSeen, UserId = user.Id,
                Follow = await FollowChoices.StateAsync(db, user.Id, access.Title.Id, access.Channel.Id, cancellationToken),
            },
            status);
    }

    /// <summary>Only types a browser shows and never runs keep their type; everything else (pages, scripts in any of
    /// their many names, SVG, XML, unknown types) is served as plain bytes. Downloads are attachments anyway.</summary>
    internal static string SafeContentType(string contentType)
    {
        var type = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return ShownNeverRun.Contains(type) ? type : "application/octet-stream";
    }

    private static readonly HashSet<string> ShownNeverRun = new(StringComparer.Ordinal)
    {
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
    };
}
