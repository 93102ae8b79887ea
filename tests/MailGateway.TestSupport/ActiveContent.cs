using HtmlAgilityPack;

namespace ClpMailGateway.TestSupport;

/// <summary>Finds what in a piece of HTML a browser or mail client could run or load on its own: script-like elements,
/// event-handler and style attributes, and any href or src that is not an http, https or mailto address (compared after
/// the parser has decoded entities, the way a browser reads them).</summary>
public static class ActiveContent
{
    private static readonly HashSet<string> ActiveElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "iframe", "object", "embed", "img", "svg", "math", "style", "link", "meta", "form", "input", "button",
        "textarea", "select", "frame", "frameset", "base", "video", "audio", "source", "picture", "applet", "template",
    };

    /// <summary>One line per active thing found; empty when the HTML is inert.</summary>
    public static IReadOnlyList<string> Find(string html, params string[] allowedElements)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        var found = new List<string>();
        foreach (var node in document.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
        {
            if (ActiveElements.Contains(node.Name) && !allowedElements.Contains(node.Name, StringComparer.OrdinalIgnoreCase))
            {
                found.Add($"element <{node.Name}>");
            }

            foreach (var attribute in node.Attributes)
            {
                var name = attribute.Name;
                if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("srcset", StringComparison.OrdinalIgnoreCase) || name.Equals("formaction", StringComparison.OrdinalIgnoreCase))
                {
                    found.Add($"attribute {name} on <{node.Name}>");
                }
                else if (name.Equals("href", StringComparison.OrdinalIgnoreCase) || name.Equals("src", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("action", StringComparison.OrdinalIgnoreCase) || name.Equals("xlink:href", StringComparison.OrdinalIgnoreCase))
                {
                    var value = HtmlEntity.DeEntitize(attribute.Value) ?? string.Empty;
                    if (!IsPassiveAddress(value))
                    {
                        found.Add($"{name}=\"{value}\" on <{node.Name}>");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The links of the HTML: (href, rel, text).</summary>
    public static IReadOnlyList<(string Href, string Rel, string Text)> Links(string html)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        return document.DocumentNode.Descendants("a")
            .Select(a => (HtmlEntity.DeEntitize(a.GetAttributeValue("href", string.Empty)) ?? string.Empty, a.GetAttributeValue("rel", string.Empty), HtmlEntity.DeEntitize(a.InnerText) ?? string.Empty))
            .ToList();
    }

    private static bool IsPassiveAddress(string value) =>
        !value.Any(c => c <= ' ' || char.IsControl(c))
        && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase));
}
