using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClpMailGateway.Administration;

/// <summary>The shapes administrative fields must have. Slugs, handles and external ids are plain ASCII so that no
/// homoglyph, path character or invisible character can make two of them look alike or escape a URL; names may be any
/// language but no control or bidirectional-override characters.</summary>
public static partial class AdminText
{
    public const int MaxSlugLength = 64;
    public const int MaxNameLength = 200;
    public const int MaxExternalIdLength = 100;
    public const int MaxHandleLength = 64;
    public const int MaxLanguages = 50;
    public const int MaxEmails = 10;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugShape();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ExternalIdShape();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HandleShape();

    /// <summary>Null when <paramref name="slug"/> is a valid slug, else why not.</summary>
    public static string? SlugProblem(string slug)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (slug.Length is 0 or > MaxSlugLength)
        {
            return $"a slug has 1 to {MaxSlugLength} characters";
        }

        return SlugShape().IsMatch(slug)
            ? null
            : "a slug is lower-case ASCII letters and digits joined by single hyphens (a-z, 0-9, -), e.g. blue-harbor-s2";
    }

    public static string? ExternalIdProblem(string externalId)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        if (externalId.Length is 0 or > MaxExternalIdLength)
        {
            return $"an external id has 1 to {MaxExternalIdLength} characters";
        }

        return ExternalIdShape().IsMatch(externalId) ? null : "an external id is ASCII letters, digits and . _ : - (starting with a letter or digit)";
    }

    public static string? HandleProblem(string handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Length is 0 or > MaxHandleLength)
        {
            return $"a handle has 1 to {MaxHandleLength} characters";
        }

        return HandleShape().IsMatch(handle) ? null : "a handle is lower-case ASCII letters, digits and . _ - (starting with a letter or digit)";
    }

    /// <summary>The name as stored (trimmed, NFC), or null with <paramref name="problem"/> when it cannot be one.</summary>
    public static string? CleanName(string name, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        problem = null;
        var clean = name.Trim();
        if (!clean.IsNormalized(NormalizationForm.FormC))
        {
            clean = clean.Normalize(NormalizationForm.FormC);
        }

        if (clean.Length is 0 or > MaxNameLength)
        {
            problem = $"a name has 1 to {MaxNameLength} characters";
            return null;
        }

        foreach (var rune in clean.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
                or UnicodeCategory.OtherNotAssigned)
            {
                problem = $"a name may not hold control, invisible or bidirectional-override characters (U+{rune.Value:X4})";
                return null;
            }
        }

        return clean;
    }

    /// <summary>A handle made from an address's local part: lower-case ASCII letters and digits kept, the rest dropped.</summary>
    public static string HandleFrom(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var local = address.Split('@')[0].ToLowerInvariant();
        var handle = new string(local.Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-').ToArray()).Trim('.', '_', '-');
        if (handle.Length > MaxHandleLength - 4)
        {
            handle = handle[..(MaxHandleLength - 4)];
        }

        return handle.Length == 0 ? "user" : handle;
    }
}
