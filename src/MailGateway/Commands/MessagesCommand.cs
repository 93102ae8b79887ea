using System.Globalization;
using ClpMailGateway.Permissions;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>messages --title SLUG --channel KEY [--as EMAIL] [--search QUERY] [--limit N]</c>: a channel's messages
/// (oldest first) or search hits (newest first), as the given user may see them; without <c>--as</c>, as an operator.
/// With <c>--search</c> and no <c>--channel</c>, searches every channel of the title that the user may read.</summary>
internal static class MessagesCommand
{
    private const int DefaultSearchLimit = 50;
    private static readonly HashSet<string> Valued = ["as", "title", "channel", "search", "limit"];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var arguments = CommandArguments.Parse("messages", args, Valued);
        arguments.NoPositional();
        var slug = arguments.Required("title");
        var search = arguments.Optional("search");
        var key = search is null ? arguments.Required("channel") : arguments.Optional("channel");
        var asEmail = arguments.Optional("as");
        int? limit = null;
        if (arguments.Optional("limit") is { } limitText)
        {
            limit = int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw CommandException.Usage($"messages: --limit must be a positive whole number, not '{limitText}'.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var title = await CommandLookups.TitleBySlugAsync(db, slug, cancellationToken);
        var channels = key is null
            ? await db.Channels.AsNoTracking().Where(c => c.TitleId == title.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken)
            : [await CommandLookups.ChannelByKeyAsync(db, title, key, cancellationToken)];
        var readable = channels;
        if (asEmail is not null)
        {
            var user = await CommandLookups.UserByEmailAsync(db, asEmail, cancellationToken);
            var reader = await AccessContextLoader.LoadAsync(db, user.Id, title.Id, cancellationToken);
            var decisions = channels.Select(c => (Channel: c, Access: ChannelPolicy.Decide(reader, c.Kind, c.Language))).ToList();
            readable = decisions.Where(d => d.Access.CanRead).Select(d => d.Channel).ToList();
            if (key is not null && readable.Count == 0)
            {
                throw new CommandException(
                    ExitCodes.PermissionDenied,
                    $"{user.Name} cannot read {title.Slug}/{key}: {decisions[0].Access.ReadDeniedReason}.");
            }

            if (readable.Count == 0)
            {
                throw new CommandException(ExitCodes.PermissionDenied, $"{user.Name} cannot read any channel of {title.Slug}.");
            }
        }

        if (search is null)
        {
            var channel = channels[0];
            foreach (var message in await MessageQueries.LoadAsync(db, title, channel, null, limit, cancellationToken))
            {
                JsonLines.Write(stdout, message);
            }

            return ExitCodes.Ok;
        }

        var terms = SearchTerms.Parse(search);
        if (terms.Problem is { } problem)
        {
            throw CommandException.Usage("messages: " + problem);
        }

        // Nothing searchable in the query (only punctuation, say): no hits, not an error.
        var scope = key is not null ? SearchScope.Channel(channels[0].Id)
            : readable.Count == channels.Count ? SearchScope.Title(title.Id)
            : SearchScope.Channels(readable.Select(c => c.Id));
        var result = await services.GetRequiredService<MessageSearch>().SearchAsync(scope, terms, limit ?? DefaultSearchLimit, cancellationToken);
        var outputs = new Dictionary<long, MessageOutput>();
        foreach (var group in result.Hits.GroupBy(h => h.ChannelId))
        {
            var channel = readable.Single(c => c.Id == group.Key);
            foreach (var message in await MessageQueries.LoadAsync(db, title, channel, group.Select(h => h.Id).ToList(), null, cancellationToken))
            {
                outputs[message.Id] = message;
            }
        }

        foreach (var hit in result.Hits)
        {
            var highlight = hit.Snippet.Replace(MessageSearch.HighlightStart, '[').Replace(MessageSearch.HighlightEnd, ']');
            JsonLines.Write(stdout, outputs[hit.Id] with { Highlight = highlight });
        }

        return ExitCodes.Ok;
    }
}
