using System.Globalization;

namespace ClpMailGateway.Outbound;

/// <summary>The stable Message-IDs (without angle brackets) that make mail clients thread notifications per channel:
/// the first notification of a channel to a user is <c>c{channel}.u{user}@domain</c>, the thread root; each later one is
/// <c>m{message}.u{user}@domain</c> and answers the root (In-Reply-To and References).</summary>
public static class MailIds
{
    public static string Notification(long messageId, int userId, string domain) =>
        string.Create(CultureInfo.InvariantCulture, $"m{messageId}.u{userId}@{domain}");

    public static string ThreadRoot(int channelId, int userId, string domain) =>
        string.Create(CultureInfo.InvariantCulture, $"c{channelId}.u{userId}@{domain}");

    /// <summary>The References entry that lets a reply find its channel when the client dropped Reply-To
    /// (read by <c>ReplyAnalyzer.FindToken</c>).</summary>
    public static string TokenReference(string replyLocalPart, string token, string domain) => $"{replyLocalPart}-{token}@{domain}";

    public static string Digest(long digestId, string domain) =>
        string.Create(CultureInfo.InvariantCulture, $"digest-{digestId}@{domain}");

    /// <summary>True when <paramref name="messageId"/> (with or without brackets) is one of our digests.</summary>
    public static bool TryParseDigest(string? messageId, string domain, out long digestId)
    {
        digestId = 0;
        var id = messageId?.Trim().Trim('<', '>');
        const string Prefix = "digest-";
        var suffix = "@" + domain;
        return id is not null
            && id.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            && id.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(id.AsSpan(Prefix.Length, id.Length - Prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out digestId);
    }
}
