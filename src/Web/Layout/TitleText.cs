namespace ClpMailGateway.Web.Layout;

/// <summary>Text for the document's <c>&lt;title&gt;</c>, which is plain text shown by the browser's tab and history where
/// no <c>&lt;bdi&gt;</c> can isolate it: the bidirectional embedding, override and isolate controls are removed, so a
/// hostile name cannot turn the site's name or the rest of the tab around. In the body such names stay whole, in
/// <c>&lt;bdi&gt;</c>.</summary>
public static class TitleText
{
    public static string WithoutBidiControls(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAny(BidiControls) < 0 ? text : string.Concat(text.Where(c => !IsBidiControl(c)));
    }

    /// <summary>U+202A–U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066–U+2069 (LRI, RLI, FSI, PDI).</summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static readonly System.Buffers.SearchValues<char> BidiControls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
}
