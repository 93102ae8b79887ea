using MimeKit;

namespace ClpMailGateway.Mail;

/// <summary>The <c>X-Loop</c> header every mail of ours carries (its value: our notifications address). A mail coming in
/// with it is our own come back, through an auto-responder or a forward that kept it, and is never answered or posted.</summary>
public static class LoopMarker
{
    public const string Header = "X-Loop";

    public static void Add(MimeMessage message, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        message.Headers.Add(Header, options.NotificationsFrom);
    }

    public static bool IsOurs(MimeMessage message, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        return message.Headers.Any(h => h.Field.Equals(Header, StringComparison.OrdinalIgnoreCase)
            && h.Value.Trim().Trim('<', '>').Equals(options.NotificationsFrom, StringComparison.OrdinalIgnoreCase));
    }
}
