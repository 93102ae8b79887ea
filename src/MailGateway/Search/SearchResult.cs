namespace ClpMailGateway.Search;

/// <summary>The newest matches (at most the limit asked for) and how many messages match in all, counted up to
/// <see cref="MessageSearch.CountCap"/>: past that, <see cref="CountIsCapped"/> is true ("200+ results").</summary>
public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, int Count, bool CountIsCapped)
{
    public static SearchResult Empty { get; } = new([], 0, false);
}
