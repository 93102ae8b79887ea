namespace ClpMailGateway.Outbound;

/// <summary>The web addresses mails link to (agreed with the web): <c>/t/{slug}/{channelKey}</c> for a conversation,
/// <c>/t/{slug}/{channelKey}/attachments/{id}</c> for a file, <c>/settings</c>, <c>/unsubscribe/{token}</c>.</summary>
public static class MailLinks
{
    public static string Channel(string webBaseUrl, string slug, string channelKey) =>
        $"{Base(webBaseUrl)}/t/{Uri.EscapeDataString(slug)}/{Uri.EscapeDataString(channelKey)}";

    public static string Attachment(string webBaseUrl, string slug, string channelKey, long attachmentId) =>
        $"{Channel(webBaseUrl, slug, channelKey)}/attachments/{attachmentId}";

    public static string Settings(string webBaseUrl) => $"{Base(webBaseUrl)}/settings";

    private static string Base(string webBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(webBaseUrl);
        return webBaseUrl.TrimEnd('/');
    }
}
