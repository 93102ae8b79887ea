using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ClpMailGateway.Domain;

/// <summary>Canonical BCP 47 language tags as the platform uses them: <c>fr</c>, <c>pt-BR</c>, <c>zh-Hant</c>.</summary>
public static partial class LanguageTag
{
    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Canonical casing (language lower, script title, region upper), or false when the text is not a tag.</summary>
    public static bool TryCanonicalize(string? text, [NotNullWhen(true)] out string? tag)
    {
        tag = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim().Replace('_', '-');
        if (!Shape().IsMatch(trimmed))
        {
            return false;
        }

        var parts = trimmed.Split('-');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = i == 0 ? parts[i].ToLowerInvariant()
                : parts[i].Length == 4 ? char.ToUpperInvariant(parts[i][0]) + parts[i][1..].ToLowerInvariant()
                : parts[i].ToUpperInvariant();
        }

        tag = string.Join('-', parts);
        return true;
    }

    public static string Canonicalize(string text) =>
        TryCanonicalize(text, out var tag)
            ? tag
            : throw new ArgumentException($"'{text}' is not a language tag such as fr or pt-BR.", nameof(text));
}
