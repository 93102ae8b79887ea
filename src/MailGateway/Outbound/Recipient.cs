using ClpMailGateway.Domain;

namespace ClpMailGateway.Outbound;

/// <summary>One person a message goes to, and how: <see cref="DeliveryMode.Immediate"/> (a notification now) or
/// <see cref="DeliveryMode.Digest"/> (in the next digest).</summary>
public sealed record Recipient(int UserId, string Name, string Address, DeliveryMode Delivery, RecipientReason Reason)
{
    /// <summary>This notification is the first of its channel to the user: its Message-ID is the channel's thread root
    /// (<see cref="MailIds.ThreadRoot"/>), and it answers nothing.</summary>
    public bool StartsThread { get; init; }

    /// <summary>The IANA zone the times in the mail's body are shown in (<see cref="UserSettings.TimeZone"/>).</summary>
    public string TimeZone { get; init; } = Rendering.ReaderTime.Utc;

    /// <summary>The shipped language the mail is written in (<see cref="Localization.MailLanguages.ForReader"/>).</summary>
    public string Language { get; init; } = Localization.MailLanguages.English;
}
