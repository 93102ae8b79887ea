using ClpMailGateway.Links;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Search;

/// <summary>Keyword search at the top of each conversation: only in a channel the user may read, any text accepted, newest
/// matches first, the count capped at <see cref="MessageSearch.CountCap"/>.</summary>
public static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder group)
    {
        group.MapGet(WebRoutes.ChannelSearch, async Task<RazorComponentResult> (
            HttpContext context, GatewayDbContext db, MessageSearch search, IOptions<WebOptions> options, string slug, string key,
            [FromQuery] string? q, CancellationToken cancellationToken) =>
        {
            var (user, opened, denied) = await ConversationEndpoints.OpenAsync(context, db, slug, key, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var access = opened!;

            var query = q is { Length: > SearchTerms.MaxQueryLength } ? q[..SearchTerms.MaxQueryLength] : q;
            var terms = SearchTerms.Parse(query);
            var result = terms.Problem is null
                ? await search.SearchAsync(SearchScope.Channel(access.Channel.Id), terms, options.Value.SearchResults, cancellationToken)
                : SearchResult.Empty;
            var hits = result.Hits;
            var ids = hits.Select(h => h.Id).ToList();
            // By id alone: with "AND ChannelId = @c" SQLite chose the channel's index and read the whole conversation
            // (19 of the page's ~35 ms at 100,000 messages). The hits are of this channel (the search's scope, checked
            // again below).
            var rows = (await ConversationEndpoints.Rows(db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id)))
                .ToListAsync(cancellationToken)).ToDictionary(r => r.Id);

            var shown = hits.Where(h => h.ChannelId == access.Channel.Id && rows.ContainsKey(h.Id))
                .Select(h => new SearchPage.Hit(rows[h.Id], Highlighter.ToHtml(h.Snippet))).ToList();
            return Pages.Show<SearchPage>(new
            {
                User = user,
                Access = access,
                Query = query,
                terms.Problem,
                terms.IsEmpty,
                Hits = shown,
                result.Count,
                result.CountIsCapped,
            });
        }).RequireRateLimiting(WebSecurity.SearchPolicy);

        return group;
    }
}
