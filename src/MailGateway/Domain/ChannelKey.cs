using System.Diagnostics.CodeAnalysis;

namespace ClpMailGateway.Domain;

/// <summary>The stable channel keys: <c>internal</c>, <c>broadcast</c>, <c>vendor-&lt;language tag&gt;</c> in lower case.</summary>
public static class ChannelKey
{
    public const string Internal = "internal";
    public const string Broadcast = "broadcast";
    private const string VendorPrefix = "vendor-";

    public static string ForVendor(string language) => VendorPrefix + LanguageTag.Canonicalize(language).ToLowerInvariant();

    public static string For(ChannelKind kind, string? language) => kind switch
    {
        ChannelKind.Internal => Internal,
        ChannelKind.Broadcast => Broadcast,
        ChannelKind.Vendor => ForVendor(language ?? throw new ArgumentNullException(nameof(language), "A Vendor channel needs a language.")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind."),
    };

    /// <summary>Parses a key given by a person (any case); the language comes back canonical.</summary>
    public static bool TryParse(string? key, out ChannelKind kind, [MaybeNullWhen(false)] out string normalizedKey, out string? language)
    {
        kind = default;
        normalizedKey = null;
        language = null;
        var text = key?.Trim().ToLowerInvariant();
        switch (text)
        {
            case Internal:
                kind = ChannelKind.Internal;
                normalizedKey = Internal;
                return true;
            case Broadcast:
                kind = ChannelKind.Broadcast;
                normalizedKey = Broadcast;
                return true;
        }

        if (text is null || !text.StartsWith(VendorPrefix, StringComparison.Ordinal)
            || !LanguageTag.TryCanonicalize(text[VendorPrefix.Length..], out var tag))
        {
            return false;
        }

        kind = ChannelKind.Vendor;
        language = tag;
        normalizedKey = VendorPrefix + tag.ToLowerInvariant();
        return true;
    }
}
