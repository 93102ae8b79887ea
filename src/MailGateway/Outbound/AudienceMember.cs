using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;

namespace ClpMailGateway.Outbound;

/// <summary>What <see cref="RecipientResolver"/> needs about one user who follows the title or is mentioned in the
/// message. Plain data, loaded by <see cref="RecipientLoader"/>.</summary>
/// <param name="Reader">The user on the title, as <see cref="ChannelPolicy"/> sees them.</param>
/// <param name="Delivery">The user's mode for the channel's kind (<see cref="UserSettings.DeliveryFor"/>).</param>
/// <param name="Address">The address notifications go to (the primary one); null when the user has none.</param>
/// <param name="Suppressed">The address bounced permanently (<see cref="AddressHealth.SuppressedAtUtc"/>).</param>
/// <param name="IsFollower">The user follows the title (<see cref="Follow"/>) or this channel (<see cref="ChannelFollow"/>).</param>
/// <param name="Muted">The user muted the channel or its title (<see cref="ChannelMute"/>, <see cref="TitleMute"/>): no
/// follower mail from it; a mention still comes when <paramref name="MentionsEnabled"/>.</param>
/// <param name="MentionsEnabled">A mention of the user is mailed (<see cref="UserSettings.MentionsEnabled"/>).</param>
/// <param name="TimeZone">The IANA zone times in the user's mails are shown in (<see cref="UserSettings.TimeZone"/>).</param>
/// <param name="Language">The language the user's mails are written in (<see cref="Localization.MailLanguages.ForReader"/>).</param>
public sealed record AudienceMember(
    int UserId,
    string Name,
    ReaderContext Reader,
    DeliveryMode Delivery,
    bool IsFollower,
    bool IsMentioned,
    string? Address,
    bool Suppressed,
    bool Muted = false,
    bool MentionsEnabled = true,
    string TimeZone = Rendering.ReaderTime.Utc,
    string Language = Localization.MailLanguages.English);
