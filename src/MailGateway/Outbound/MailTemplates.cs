using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using ClpMailGateway.Domain;
using ClpMailGateway.Localization;
using ClpMailGateway.Rendering;
using Fluid;
using Fluid.Values;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The mail templates: Liquid (Fluid), one per mail kind and part (<c>{kind}.txt.liquid</c>, <c>{kind}.html.liquid</c>,
/// the HTML inside <c>layout.html.liquid</c>), and the words of every language in <c>strings/{language}.json</c>, all
/// in one folder (<c>Outbound/Templates</c> beside the executable). Each template is parsed once, when the folder is
/// loaded, and serves every language: the words are a value (<c>t</c>) of the rendering. A string a language lacks is
/// the English one.
/// <para>Values are data, never template text: Liquid reads only the template files, and a value is output as it is,
/// HTML-encoded in the HTML part. Sentences with values go through the <c>fill</c> filter
/// (<c>{{ t.notification.stop | fill: place: place }}</c>), which puts each value in place of its <c>{name}</c> in one
/// pass, isolated: in <c>&lt;bdi&gt;</c> in HTML, between U+2068 and U+2069 in text when it holds a bidirectional
/// control.</para>
/// </summary>
public sealed partial class MailTemplates
{
    private const string HtmlSuffix = ".html";
    private const string TextSuffix = ".txt";

    private static readonly ConcurrentDictionary<string, MailTemplates> Loaded = new(StringComparer.Ordinal);
    private static readonly FluidParser Parser = new();

    /// <summary>Every character as itself except what HTML needs escaped, so Japanese or Arabic text stays readable in
    /// the part's source (and a third of the size it would be as entities).</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly Dictionary<string, IFluidTemplate> _templates;
    private readonly Dictionary<string, Dictionary<string, object>> _strings;
    private readonly TemplateOptions _htmlOptions;
    private readonly TemplateOptions _textOptions;

    private MailTemplates(
        string folder, Dictionary<string, IFluidTemplate> templates, Dictionary<string, Dictionary<string, object>> strings,
        IReadOnlyDictionary<string, IReadOnlyList<string>> missing)
    {
        Folder = folder;
        _templates = templates;
        _strings = strings;
        Missing = missing;
        _htmlOptions = Options(html: true);
        _textOptions = Options(html: false);
    }

    /// <summary>The mail kinds, each with a text and an HTML template.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["notification", "digest", "rejection", "signin", "confirm", "held", "test"];

    public string Folder { get; }

    /// <summary>The English keys each shipped language lacks (an empty list when it has them all): these read in English.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Missing { get; }

    /// <summary>The folder shipped beside the executable.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "Outbound", "Templates");

    /// <summary>The shipped templates, loaded once.</summary>
    public static MailTemplates Shipped => Load(ShippedFolder);

    /// <summary>The templates in <paramref name="folder"/>, loaded and parsed once per process.</summary>
    /// <exception cref="MailTemplateException">A template or a language file is missing or does not parse; the
    /// message names every one.</exception>
    public static MailTemplates Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return Loaded.GetOrAdd(Path.GetFullPath(folder), Read);
    }

    /// <summary>The language's word for <paramref name="key"/> (<c>section.name</c>) with its values in place (no
    /// markup, no isolation: for headers, whose values the caller has cleaned).</summary>
    public string Text(string language, string key, params (string Name, string Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(key);
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var pattern = Words(language).TryGetValue(key[..dot], out var section) && section is Dictionary<string, object> words
            && words.TryGetValue(key[(dot + 1)..], out var word) && word is string text
                ? text
                : throw new KeyNotFoundException($"No mail string {key}.");
        return Fill(pattern, name => values.FirstOrDefault(v => v.Name == name).Value, html: false);
    }

    /// <summary>A channel's name in <paramref name="language"/>: its kind in words, a vendor channel with its language's
    /// name (in English for English readers, else the language's own name, which its readers know it by) and tag.</summary>
    public string? ChannelName(string language, ChannelKind kind, string? channelLanguage) => kind switch
    {
        ChannelKind.Internal => Text(language, "common.channel_internal"),
        ChannelKind.Broadcast => Text(language, "common.channel_broadcast"),
        _ when channelLanguage is { Length: > 0 } => Text(
            language,
            "common.channel_vendor",
            ("language", $"{(MailLanguages.Find(language) is null or MailLanguages.English ? ChannelNames.LanguageName(channelLanguage) : MailLanguages.NativeName(channelLanguage))} ({channelLanguage})")),
        _ => null,
    };

    /// <summary>"Title · Channel" as a reader of <paramref name="language"/> sees a conversation named;
    /// <paramref name="englishName"/> when the channel has no name of its own there.</summary>
    public string Place(string language, string title, ChannelKind kind, string? channelLanguage, string englishName) =>
        $"{title} · {ChannelName(language, kind, channelLanguage) ?? englishName}";

    /// <summary>The text and HTML parts of a mail of <paramref name="kind"/> in <paramref name="language"/> (a shipped tag;
    /// any other reads English). <paramref name="model"/> holds strings, <see cref="TrustedHtml"/>, booleans, and lists of
    /// nested models; <c>subject</c> is the HTML part's title.</summary>
    public (string Text, string Html) Render(string kind, string language, TemplateModel model)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(model);
        var tag = MailLanguages.Find(language) ?? MailLanguages.English;
        var text = Template(kind + TextSuffix).Render(Context(_textOptions, tag, model), NullEncoder.Default);
        var inner = Template(kind + HtmlSuffix).Render(Context(_htmlOptions, tag, model), Html);
        var page = new TemplateModel
        {
            ["content"] = new TrustedHtml(inner),
            ["subject"] = model.TryGetValue("subject", out var subject) && subject is string s ? BidiText.WithoutControls(s) : string.Empty,
            ["preheader"] = model.TryGetValue("preheader", out var preheader) ? preheader : string.Empty,
        };
        var html = Template("layout" + HtmlSuffix).Render(Context(_htmlOptions, tag, page), Html);
        return (text, html);
    }

    /// <summary>HTML-encodes <paramref name="value"/> as the HTML parts do (for what is put in after rendering).</summary>
    internal static string EscapeHtml(string value) => Html.Encode(value);

    private IFluidTemplate Template(string name) =>
        _templates.TryGetValue(name, out var template) ? template : throw new KeyNotFoundException($"No mail template {name}.");

    private Dictionary<string, object> Words(string language) =>
        _strings.TryGetValue(MailLanguages.Find(language) ?? MailLanguages.English, out var words) ? words : _strings[MailLanguages.English];

    private TemplateContext Context(TemplateOptions options, string language, TemplateModel model)
    {
        var context = new TemplateContext(options);
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value);
        }

        context.SetValue("t", Words(language));
        context.SetValue("lang", language);
        context.SetValue("dir", MailLanguages.IsRightToLeft(language) ? "rtl" : "ltr");
        return context;
    }

    private static TemplateOptions Options(bool html) =>
        new TemplateOptionsBuilder()
            .WithMaxRecursion(8)
            .AddValueConverter(value => value is TrustedHtml trusted ? StringValue.Create(html ? trusted.Html : string.Empty, false) : null!)
            .AddFilter("fill", (input, arguments, context) =>
            {
                var filled = Fill(input.ToStringValue(context), name => arguments.HasNamed(name) ? arguments[name].ToStringValue(context) : null, html);
                return new ValueTask<FluidValue>(StringValue.Create(filled, false));
            })
            // In text a name with a bidirectional control is isolated; HTML isolates names with <bdi> in the templates.
            .AddFilter("isolate", (input, arguments, context) =>
                new ValueTask<FluidValue>(html ? input : StringValue.Create(BidiText.Isolate(input.ToStringValue(context)), true)))
            .Build();

    /// <summary><paramref name="pattern"/> with each <c>{name}</c> replaced in one pass (a value's own braces are never
    /// read); in HTML the pattern's words are encoded and each value is encoded inside <c>&lt;bdi&gt;</c>. A name
    /// without a value stays as it is, for the tests to find.</summary>
    private static string Fill(string pattern, Func<string, string?> value, bool html)
    {
        var builder = new StringBuilder(pattern.Length + 64);
        var last = 0;
        foreach (Match match in Placeholder().Matches(pattern))
        {
            var literal = pattern[last..match.Index];
            builder.Append(html ? Html.Encode(literal) : literal);
            var filled = value(match.Groups[1].Value);
            if (filled is null)
            {
                builder.Append(html ? Html.Encode(match.Value) : match.Value);
            }
            else if (html)
            {
                builder.Append("<bdi>").Append(Html.Encode(filled)).Append("</bdi>");
            }
            else
            {
                builder.Append(BidiText.Isolate(filled));
            }

            last = match.Index + match.Length;
        }

        var rest = pattern[last..];
        builder.Append(html ? Html.Encode(rest) : rest);
        return builder.ToString();
    }

    [GeneratedRegex(@"\{([a-z_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private static MailTemplates Read(string folder)
    {
        var problems = new List<string>();
        var templates = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        foreach (var name in Kinds.SelectMany(kind => new[] { kind + TextSuffix, kind + HtmlSuffix }).Append("layout" + HtmlSuffix))
        {
            var path = Path.Combine(folder, name + ".liquid");
            if (!File.Exists(path))
            {
                problems.Add($"{name}.liquid is missing");
            }
            else if (!Parser.TryParse(File.ReadAllText(path), out var template, out var error))
            {
                problems.Add($"{name}.liquid does not parse: {error}");
            }
            else
            {
                templates[name] = template;
            }
        }

        var strings = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        var missing = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var english = ReadWords(folder, MailLanguages.English, problems);
        if (english is not null)
        {
            strings[MailLanguages.English] = english;
            missing[MailLanguages.English] = [];
            foreach (var language in MailLanguages.Supported.Where(l => l != MailLanguages.English))
            {
                var own = ReadWords(folder, language, problems) ?? [];
                var lacking = new List<string>();
                // English under the language's own words: a string it lacks reads in English.
                strings[language] = english.ToDictionary(
                    section => section.Key,
                    section => (object)((Dictionary<string, object>)section.Value).ToDictionary(
                        word => word.Key,
                        word => own.TryGetValue(section.Key, out var ownSection) && ownSection is Dictionary<string, object> ownWords
                            && ownWords.TryGetValue(word.Key, out var ownWord) ? ownWord : Lacking(lacking, section.Key, word),
                        StringComparer.Ordinal),
                    StringComparer.Ordinal);
                missing[language] = lacking;
            }
        }

        if (problems.Count > 0)
        {
            throw new MailTemplateException($"The mail templates in {folder} cannot be used: {string.Join("; ", problems)}.");
        }

        return new MailTemplates(folder, templates, strings, missing);
    }

    private static object Lacking(List<string> lacking, string section, KeyValuePair<string, object> english)
    {
        lacking.Add(section + "." + english.Key);
        return english.Value;
    }

    /// <summary>A language's file as sections of strings; null (and a problem) when English's is missing or a file is
    /// not such an object. Another language without a file reads English.</summary>
    private static Dictionary<string, object>? ReadWords(string folder, string language, List<string> problems)
    {
        var path = Path.Combine(folder, "strings", language + ".json");
        if (!File.Exists(path))
        {
            if (language == MailLanguages.English)
            {
                problems.Add("strings/en.json is missing");
            }

            return null;
        }

        try
        {
            var document = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(File.ReadAllText(path))
                ?? throw new JsonException("empty");
            return document.ToDictionary(
                section => section.Key,
                section => (object)section.Value.ToDictionary(w => w.Key, w => (object)w.Value, StringComparer.Ordinal),
                StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"strings/{language}.json is not sections of strings: {ex.Message}"));
            return null;
        }
    }
}

/// <summary>The mail templates cannot be loaded.</summary>
public sealed class MailTemplateException(string message) : Exception(message);
