using System.Globalization;

namespace ClpMailGateway.Links;

/// <summary>
/// The web's addresses, in one place: the route templates the web maps its endpoints with, and the paths and absolute
/// URLs that mails, rejection texts and pages link to, made from the same templates so the two cannot drift apart
/// (a test matches every builder's output against the web's routing table).
/// </summary>
public static class WebRoutes
{
    public const string Titles = "/titles";
    public const string Title = "/titles/{slug}";
    public const string Channel = "/titles/{slug}/{key}";
    public const string ChannelMessages = "/titles/{slug}/{key}/messages";
    public const string ChannelSearch = "/titles/{slug}/{key}/search";
    public const string Attachment = "/attachments/{id:long}";
    public const string Settings = "/settings";
    public const string SignIn = "/signin";
    public const string SignInLink = "/signin/link/{secret}";
    public const string Unsubscribe = "/unsubscribe/{token}";
    public const string AddressVerification = "/settings/addresses/verify/{secret}";
    public const string Quarantine = "/quarantine";

    /// <summary>The query parameter that carries where to go after signing in (cookie authentication's name for it).</summary>
    public const string ReturnUrlParameter = "ReturnUrl";

    public static string TitlePath(string slug) => "/titles/" + Segment(slug);

    public static string ChannelPath(string slug, string channelKey) => TitlePath(slug) + "/" + Segment(channelKey);

    /// <summary>A message in its conversation: the channel's page, scrolled to the message.</summary>
    public static string MessagePath(string slug, string channelKey, long messageId) =>
        ChannelPath(slug, channelKey) + "#m" + messageId.ToString(CultureInfo.InvariantCulture);

    public static string AttachmentPath(long attachmentId) => "/attachments/" + attachmentId.ToString(CultureInfo.InvariantCulture);

    public static string SignInLinkPath(string secret) => "/signin/link/" + Segment(secret);

    public static string UnsubscribePath(string token) => "/unsubscribe/" + Segment(token);

    public static string AddressVerificationPath(string secret) => "/settings/addresses/verify/" + Segment(secret);

    public static string QuarantinedMailPath(long inboundId) => Quarantine + "/" + inboundId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The sign-in page that returns to <paramref name="returnPath"/> afterwards.</summary>
    public static string SignInPath(string returnPath) => SignIn + "?" + ReturnUrlParameter + "=" + Uri.EscapeDataString(returnPath);

    /// <summary>An absolute URL under the web's public base address (<c>Mail:WebBaseUrl</c>).</summary>
    public static string Absolute(string webBaseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(webBaseUrl);
        ArgumentNullException.ThrowIfNull(path);
        return webBaseUrl.TrimEnd('/') + path;
    }

    private static string Segment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.EscapeDataString(value);
    }
}
