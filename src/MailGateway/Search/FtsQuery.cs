namespace ClpMailGateway.Search;

/// <summary>
/// Turns search terms into safe SQLite FTS5 MATCH operands. Every word becomes a quoted string, so no input can be read
/// as FTS5 syntax (AND/OR/NEAR, column filters, stray quotes or parentheses). "Quoted text" stays a phrase; a word
/// ending in * is a prefix query. All terms must match.
/// </summary>
public static class FtsQuery
{
    public const int MaxTerms = SearchTerms.MaxTerms;

    /// <summary>The MATCH expression for what a person typed, or null when it holds nothing to search for.</summary>
    public static string? Build(string? text)
    {
        var terms = SearchTerms.Parse(text);
        return terms.IsEmpty ? null : Phrases(terms.Items);
    }

    /// <summary>The terms as quoted FTS5 phrases separated by spaces (implicit AND).</summary>
    public static string Phrases(IEnumerable<SearchTerms.Term> terms, bool allowPrefix = true) =>
        string.Join(' ', terms.Select(t => Quote(t.Text) + (allowPrefix && t.IsPrefix ? "*" : string.Empty)));

    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
