using HtmlAgilityPack;

namespace ClpMailGateway.Parsing;

/// <summary>One of <see cref="ClientFormat"/>'s simple selectors, parsed: an optional element name, then a class, an id
/// (or an id prefix ending in <c>*</c>) or an attribute with its value.</summary>
internal sealed class HtmlSelector
{
    private readonly string? _element;
    private readonly string _attribute;
    private readonly string _value;
    private readonly bool _prefix;
    private readonly bool _classToken;

    private HtmlSelector(string? element, string attribute, string value, bool prefix, bool classToken)
    {
        _element = element;
        _attribute = attribute;
        _value = value;
        _prefix = prefix;
        _classToken = classToken;
    }

    public static HtmlSelector Parse(string selector)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(selector);
        var at = selector.IndexOfAny(['.', '#', '[']);
        var element = at switch
        {
            < 0 => selector,
            0 => null,
            _ => selector[..at],
        };
        if (at < 0)
        {
            return new HtmlSelector(element!.ToLowerInvariant(), string.Empty, string.Empty, prefix: false, classToken: false);
        }

        var rest = selector[(at + 1)..];
        return selector[at] switch
        {
            '.' => new HtmlSelector(element, "class", rest, prefix: false, classToken: true),
            '#' when rest.EndsWith('*') => new HtmlSelector(element, "id", rest[..^1], prefix: true, classToken: false),
            '#' => new HtmlSelector(element, "id", rest, prefix: false, classToken: false),
            _ when rest.EndsWith(']') && rest.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 =>
                new HtmlSelector(element, rest[..eq].ToLowerInvariant(), rest[(eq + 1)..^1].Trim('"', '\''), prefix: false, classToken: false),
            _ => throw new FormatException($"Unsupported selector '{selector}'."),
        };
    }

    public bool Matches(HtmlNode node)
    {
        if (_element is not null && node.Name != _element)
        {
            return false;
        }

        if (_attribute.Length == 0)
        {
            return true;
        }

        if (!node.HasAttributes)
        {
            return false;
        }

        var attributes = node.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Name != _attribute || attributes[i].Value is not { } value)
            {
                continue;
            }

            if (_classToken ? HasClassToken(value, _value) : _prefix ? value.StartsWith(_value, StringComparison.Ordinal) : value == _value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The class list holds the token, separated by white space.</summary>
    private static bool HasClassToken(string classes, string token)
    {
        var span = classes.AsSpan();
        var from = 0;
        while (from < span.Length)
        {
            var at = span[from..].IndexOf(token, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var start = from + at;
            var end = start + token.Length;
            if ((start == 0 || char.IsWhiteSpace(span[start - 1])) && (end == span.Length || char.IsWhiteSpace(span[end])))
            {
                return true;
            }

            from = start + 1;
        }

        return false;
    }
}
