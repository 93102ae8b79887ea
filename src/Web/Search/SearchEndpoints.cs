using System.Globalization;
using System.Text;
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
        group.MapGet(WebRoutes.ChannelSearch, async Task<ContentHttpResult> (
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

            var html = new StringBuilder();
            ConversationPages.Header(html, access, query);
            html.Append("<section aria-labelledby=\"results-h\"><h2 id=\"results-h\">");
            if (terms.Problem is { } problem)
            {
                html.Append("Search</h2><p class=\"notice error\" role=\"alert\">").Append(Html.E(problem)).Append("</p>");
            }
            else if (terms.IsEmpty)
            {
                html.Append("Search</h2><p>Type a word to search for.</p>");
            }
            else if (hits.Count == 0)
            {
                html.Append("No results</h2><p>No message in this conversation matches <strong>").Append(Html.E(query)).Append("</strong>.</p>");
            }
            else
            {
                html.Append(result.Count.ToString("#,0", CultureInfo.InvariantCulture)).Append(result.CountIsCapped ? "+" : string.Empty)
                    .Append(result.Count == 1 && !result.CountIsCapped ? " result" : " results").Append(" for <q>").Append(Html.E(query)).Append("</q>")
                    .Append(result.Count > hits.Count
                        ? $" <span class=\"muted\">(the newest {hits.Count} shown; add words to narrow it down)</span>"
                        : " <span class=\"muted\">(newest first)</span>")
                    .Append("</h2><ol class=\"messages\">");
                foreach (var hit in hits)
                {
                    if (hit.ChannelId == access.Channel.Id && rows.TryGetValue(hit.Id, out var row))
                    {
                        ConversationPages.Message(html, row, Highlighter.ToHtml(hit.Snippet), highlighted: true);
                        html.Length -= "</article></li>".Length;
                        html.Append("<p><a href=\"").Append(Html.E(access.Path)).Append("?before=").Append(hit.Id + 1).Append("#m").Append(hit.Id)
                            .Append("\">Show in conversation</a></p></article></li>");
                    }
                }

                html.Append("</ol>");
            }

            html.Append("<p><a href=\"").Append(Html.E(access.Path)).Append("\">Back to the conversation</a></p></section>");
            return Page.Render(context, user, $"Search · {access.Name} · {access.Title.Name}", html.ToString());
        }).RequireRateLimiting(WebSecurity.SearchPolicy);

        return group;
    }
}
