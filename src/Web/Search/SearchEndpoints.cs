using System.Text;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.Search;

/// <summary>Keyword search at the top of each conversation: only in a channel the user may read, any text accepted.</summary>
public static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder group)
    {
        group.MapGet("/titles/{slug}/{key}/search", async Task<ContentHttpResult> (
            HttpContext context, GatewayDbContext db, ConversationSearch search, IOptions<WebOptions> options, string slug, string key,
            [FromQuery] string? q, CancellationToken cancellationToken) =>
        {
            var (user, access, denied) = await ConversationEndpoints.OpenAsync(context, db, slug, key, cancellationToken);
            if (denied is not null)
            {
                return denied;
            }

            var query = q is { Length: > SearchTerms.MaxQueryLength } ? q[..SearchTerms.MaxQueryLength] : q;
            var terms = SearchTerms.Parse(query);
            var hits = await search.SearchAsync(access!.Channel.Id, terms, options.Value.SearchResults, cancellationToken);
            var ids = hits.Select(h => h.Id).ToList();
            var rows = (await ConversationEndpoints.Rows(db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id) && m.ChannelId == access.Channel.Id))
                .ToListAsync(cancellationToken)).ToDictionary(r => r.Id);

            var html = new StringBuilder();
            ConversationPages.Header(html, access, query);
            html.Append("<section aria-labelledby=\"results-h\"><h2 id=\"results-h\">");
            if (terms.IsEmpty)
            {
                html.Append("Search</h2><p>Type a word to search for.</p>");
            }
            else if (hits.Count == 0)
            {
                html.Append("No results</h2><p>No message in this conversation matches <strong>").Append(Html.E(query)).Append("</strong>.</p>");
            }
            else
            {
                html.Append(hits.Count).Append(hits.Count == 1 ? " result" : " results").Append(" for <q>").Append(Html.E(query)).Append("</q>")
                    .Append(hits.Count >= options.Value.SearchResults ? " <span class=\"muted\">(best first; add words to narrow it down)</span>" : " <span class=\"muted\">(best first)</span>")
                    .Append("</h2><ol class=\"messages\">");
                foreach (var hit in hits)
                {
                    if (rows.TryGetValue(hit.Id, out var row))
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
        });

        return group;
    }
}
