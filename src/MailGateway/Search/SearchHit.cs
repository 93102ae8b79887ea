namespace ClpMailGateway.Search;

/// <summary>A message that matched, with a snippet in which matches sit between <see cref="MessageSearch.HighlightStart"/>
/// and <see cref="MessageSearch.HighlightEnd"/> (control characters, so consumers escape the text first and then mark).</summary>
public sealed record SearchHit(long Id, int ChannelId, string Snippet);
