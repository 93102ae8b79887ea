using System.Text.RegularExpressions;

namespace ClpMailGateway.Parsing;

/// <summary>The language-independent shapes of a reply body. Language words are in <see cref="LanguageTable"/>.</summary>
internal static partial class ReplyPatterns
{
    /// <summary>A quoted line: <c>&gt;</c> after optional blanks.</summary>
    [GeneratedRegex(@"^[ \t\u00A0]*>", RegexOptions.CultureInvariant)]
    public static partial Regex Quoted();

    /// <summary>A separator line made only of <c>- _ = + ~ # *</c> (at least two), or Gmail's lone <c>ᐧ</c>; it
    /// covers the <c>-- </c> signature delimiter and Outlook's <c>____</c> line.</summary>
    [GeneratedRegex(@"^[ \t\u00A0]*(?:[-_=+~#*]{2,}|ᐧ)[ \t\u00A0]*$", RegexOptions.CultureInvariant)]
    public static partial Regex Delimiter();

    [GeneratedRegex(@"^```", RegexOptions.CultureInvariant)]
    public static partial Regex CodeFence();

    /// <summary>A time, a year, a numeric date, or a CJK date: evidence that a line is a quote header.</summary>
    [GeneratedRegex(@"\d{1,2}:\d{2}|(?<!\d)(?:19|20)\d{2}(?!\d)|(?<![\d.])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?![\d.])|\d\s*[年년]|\d\s*[月월]\s*\d", RegexOptions.CultureInvariant)]
    public static partial Regex DateLike();

    [GeneratedRegex(@"[^\s@<>()\[\]]+@[^\s@<>()\[\]]+\.[^\s@<>()\[\]]+|mailto:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    public static partial Regex EmailLike();

    /// <summary>Gmail's numeric-date header: <c>2013/7/20 sam &lt;a@b.c&gt;</c>, <c>2016-03-03 17:21 GMT+01:00 Some One</c>.</summary>
    [GeneratedRegex(@"^\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+(?:.*<[^>]+@[^>]+>:?|\d{1,2}:\d{2}\s+GMT[+-]\d{2}:\d{2}\s+[\p{L}\s.'-]+)$", RegexOptions.CultureInvariant)]
    public static partial Regex NumericDateHeader();

    /// <summary>Bidi marks and other invisible characters clients wrap around names and addresses.</summary>
    [GeneratedRegex(@"[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]", RegexOptions.CultureInvariant)]
    public static partial Regex Invisible();

    /// <summary>Markdown links and bracketed URLs, removed before matching a footer.</summary>
    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)|<[^>]*>|\((?:https?|mailto):[^)]*\)", RegexOptions.CultureInvariant)]
    public static partial Regex Links();

    /// <summary>A lone sign-off such as <c>-Abhishek Kona</c> ending a reply.</summary>
    [GeneratedRegex(@"^-\p{L}[\p{L} .'-]{0,40}$", RegexOptions.CultureInvariant)]
    public static partial Regex DashSignOff();

    /// <summary>A line that ends a sentence, so a quote header cannot continue past it.</summary>
    [GeneratedRegex(@"(?:\p{L}{5,}[.]|[?!])$", RegexOptions.CultureInvariant)]
    public static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    public static partial Regex Whitespace();

    /// <summary>A run of letters and digits: a word, for comparing two renderings of one text.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    public static partial Regex WordRun();
}
