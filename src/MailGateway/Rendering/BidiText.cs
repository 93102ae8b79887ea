namespace ClpMailGateway.Rendering;

/// <summary>Bidirectional controls in names people choose (titles, users, file names). U+202E (RIGHT-TO-LEFT OVERRIDE)
/// turns the rest of a line around: in a subject or a tab title the text after a hostile name would read backwards. Where
/// no markup can isolate a value (headers, <c>&lt;title&gt;</c>) the controls are removed; in plain text the value is
/// isolated between U+2068 and U+2069, so it stays whole and cannot reach the text around it.</summary>
public static class BidiText
{
    /// <summary>U+202A–U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066–U+2069 (LRI, RLI, FSI, PDI).</summary>
    public static bool IsControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    public static bool HasControls(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAny(Controls) >= 0;
    }

    public static string WithoutControls(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return HasControls(text) ? string.Concat(text.Where(c => !IsControl(c))) : text;
    }

    /// <summary><paramref name="text"/> between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds a control
    /// (an isolate also ends every embedding or override left open inside it); other text as it is.</summary>
    public static string Isolate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return HasControls(text) ? "\u2068" + text + "\u2069" : text;
    }

    private static readonly System.Buffers.SearchValues<char> Controls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
}
