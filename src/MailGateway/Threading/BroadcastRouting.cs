namespace ClpMailGateway.Threading;

/// <summary>
/// Where a vendor user's reply to a Broadcast notification goes (vendors read Broadcast but post in their language's
/// channel). Pure: the candidates are the user's enabled languages that their vendor is assigned on the title; with
/// one, it; with several, the language the reply is clearly written in; else the vendor's primary language on the
/// title; else the first candidate. Only without any candidate is there nowhere to go.
/// </summary>
public static class BroadcastRouting
{
    /// <param name="candidates">The candidate languages (canonical tags), in a stable order.</param>
    /// <param name="detect">Detects the reply's language among the candidates (called only when there are several).</param>
    /// <param name="primary">The vendor's primary language on the title, if it has one.</param>
    /// <returns>The language and why it was chosen (for the trace), or null with why not.</returns>
    public static (string? Language, string Why) Choose(IReadOnlyList<string> candidates, Func<IReadOnlyList<string>, string?> detect, string? primary)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(detect);
        switch (candidates.Count)
        {
            case 0:
                return (null, "none of the vendor's languages on the title is enabled in the user's settings");
            case 1:
                return (candidates[0], "the only language the user writes in on the title");
        }

        if (detect(candidates) is { } detected && candidates.Contains(detected, StringComparer.Ordinal))
        {
            return (detected, $"the reply is written in {detected}");
        }

        return primary is not null && candidates.Contains(primary, StringComparer.Ordinal)
            ? (primary, $"the reply's language is not clear among {string.Join(", ", candidates)}; the vendor's primary language on the title")
            : (candidates[0], $"the reply's language is not clear among {string.Join(", ", candidates)} and none is the vendor's primary language on the title; the first of them");
    }
}
