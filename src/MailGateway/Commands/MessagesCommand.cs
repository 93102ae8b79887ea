using System.Globalization;
using ClpMailGateway.Permissions;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>messages --title SLUG --channel KEY [--as EMAIL] [--search QUERY] [--limit N]</c>: a channel's messages
/// (oldest first) or search hits (best first), as the given user may see them; without <c>--as</c>, as an operator.</summary>
internal static class MessagesCommand
{
    private const int DefaultSearchLimit = 50;
    private static readonly HashSet<string> Valued = ["as", "title", "channel", "search", "limit"];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var arguments = CommandArguments.Parse("messages", args, Valued);
        arguments.NoPositional();
        var slug = arguments.Required("title");
        var key = arguments.Required("channel");
        var asEmail = arguments.Optional("as");
        var search = arguments.Optional("search");
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
        var channel = await CommandLookups.ChannelByKeyAsync(db, title, key, cancellationToken);
        if (asEmail is not null)
        {
            var user = await CommandLookups.UserByEmailAsync(db, asEmail, cancellationToken);
            var access = ChannelPolicy.Decide(
                await AccessContextLoader.LoadAsync(db, user.Id, title.Id, cancellationToken), channel.Kind, channel.Language);
            if (!access.CanRead)
            {
                throw new CommandException(
                    ExitCodes.PermissionDenied,
                    $"{user.Name} cannot read {title.Slug}/{channel.Key}: {access.ReadDeniedReason}.");
            }
        }

        if (search is null)
        {
            foreach (var message in await MessageQueries.LoadAsync(db, title, channel, null, limit, cancellationToken))
            {
                JsonLines.Write(stdout, message);
            }

            return ExitCodes.Ok;
        }

        var match = FtsQuery.Build(search);
        if (match is null)
        {
            // Nothing searchable in the query (only punctuation, say): no hits, not an error.
            return ExitCodes.Ok;
        }

        var hits = await services.GetRequiredService<MessageSearch>()
            .SearchChannelAsync(channel.Id, match, limit ?? DefaultSearchLimit, cancellationToken);
        var snippets = hits.ToDictionary(h => h.Id, h => h.Snippet);
        foreach (var message in await MessageQueries.LoadAsync(db, title, channel, hits.Select(h => h.Id).ToList(), null, cancellationToken))
        {
            var highlight = snippets[message.Id].Replace(MessageSearch.HighlightStart, '[').Replace(MessageSearch.HighlightEnd, ']');
            JsonLines.Write(stdout, message with { Highlight = highlight });
        }

        return ExitCodes.Ok;
    }
}
