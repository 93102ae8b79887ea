namespace ClpMailGateway.Domain;

public static class EmailAddress
{
    /// <summary>The form addresses are stored and compared in: trimmed and lower case (domains are case-insensitive,
    /// and no mail system this platform meets distinguishes local parts by case).</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>A cheap shape check for addresses typed by people: one @, something on both sides, a dot in the domain, no spaces.</summary>
    public static bool LooksValid(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254)
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == address.LastIndexOf('@') && at < address.Length - 3
            && address.IndexOf('.', at) > at + 1 && !address.EndsWith('.') && !address.Any(char.IsWhiteSpace);
    }
}
