using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The mail templates, files in <c>Outbound/Templates/{language}/</c> beside the executable (English shipped; a missing
/// language or file falls back to <c>en</c>). A tiny syntax: <c>{{name}}</c> inserts a value (HTML-escaped in
/// <c>.html</c> templates, unless it is <see cref="TrustedHtml"/>), <c>{{#name}}…{{/name}}</c> repeats its content for each item of a list (nothing for an empty
/// list; inside, <c>{{field}}</c> reads the item first, then the outer values). A section tag alone on its line takes
/// its line break with it.
/// </summary>
public sealed partial class MailTemplates(string folder, string language)
{
    /// <summary>Each template as read and prepared (standalone section tags joined to their line), by the folder,
    /// language and name asked for: rendering touches neither the disk nor the standalone-tag pass again.</summary>
    private static readonly ConcurrentDictionary<(string Folder, string Language, string Name), string> Cache = new();

    [GeneratedRegex(@"^[ \t]*(\{\{[#/][A-Za-z0-9_]+\}\})[ \t]*\r?\n", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StandaloneTag();

    /// <summary>A section (groups 1 and 2) or a value (group 3), matched in one pass over the template, so that text a
    /// value brings in is never read as template syntax.</summary>
    [GeneratedRegex(@"\{\{#([A-Za-z0-9_]+)\}\}(.*?)\{\{/\1\}\}|\{\{([A-Za-z0-9_]+)\}\}", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    /// <summary>The templates shipped beside the executable.</summary>
    public static MailTemplates Shipped(string language) =>
        new(Path.Combine(AppContext.BaseDirectory, "Outbound", "Templates"), language);

    /// <summary>Renders <paramref name="name"/> (e.g. <c>notification.html</c>); values are escaped when the name ends in .html.</summary>
    public string Render(string name, TemplateModel model)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        var html = name.EndsWith(".html", StringComparison.OrdinalIgnoreCase);
        return RenderText(Load(name), [model], html);
    }

    private static string RenderText(string template, IReadOnlyList<TemplateModel> scopes, bool html) =>
        Tag().Replace(template, match =>
        {
            if (match.Groups[1].Success)
            {
                var items = Lookup(scopes, match.Groups[1].Value) as IReadOnlyList<TemplateModel> ?? [];
                return string.Concat(items.Select(item => RenderText(match.Groups[2].Value, [item, .. scopes], html)));
            }

            return Lookup(scopes, match.Groups[3].Value) switch
            {
                TrustedHtml trusted when html => trusted.Html,
                string value => html ? EscapeHtml(value) : value,
                _ => string.Empty,
            };
        });

    /// <summary>Escapes only what HTML needs (&amp; &lt; &gt; quotes); other characters stay as UTF-8 text.</summary>
    internal static string EscapeHtml(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)
            .Replace("'", "&#39;", StringComparison.Ordinal);

    private static object? Lookup(IReadOnlyList<TemplateModel> scopes, string key)
    {
        foreach (var scope in scopes)
        {
            if (scope.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private string Load(string name) => Cache.GetOrAdd((folder, language, name), static key =>
    {
        var path = Path.Combine(key.Folder, key.Language, key.Name);
        if (!File.Exists(path))
        {
            path = Path.Combine(key.Folder, "en", key.Name);
        }

        return StandaloneTag().Replace(File.ReadAllText(path), "$1");
    });
}
