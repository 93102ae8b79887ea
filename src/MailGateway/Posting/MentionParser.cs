using System.Text.RegularExpressions;

namespace ClpMailGateway.Posting;

/// <summary>A mention as written: <c>@handle</c> or <c>@someone@example.com</c>; <see cref="Value"/> is lower case.</summary>
public sealed record MentionToken(string Value, bool IsEmail);

/// <summary>Finds <c>@handle</c> and <c>@address</c> mentions in message text. Pure; resolution to users happens in the poster.</summary>
public static partial class MentionParser
{
    // Not preceded by a word character, '.', '@' or '/' so that plain addresses (anna@clp.test) and URLs are not mentions.
    [GeneratedRegex(
        @"(?<![\p{L}\p{N}_.@/])@(?:(?<email>[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.[\p{L}]{2,})|(?<handle>[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]*[\p{L}\p{N}_])?))",
        RegexOptions.CultureInvariant)]
    private static partial Regex MentionPattern();

    public static IReadOnlyList<MentionToken> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new List<MentionToken>();
        foreach (Match match in MentionPattern().Matches(text))
        {
            var email = match.Groups["email"];
            var token = email.Success
                ? new MentionToken(email.Value.ToLowerInvariant(), IsEmail: true)
                : new MentionToken(match.Groups["handle"].Value.ToLowerInvariant(), IsEmail: false);
            if (seen.Add((token.IsEmail ? "e:" : "h:") + token.Value))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }
}
