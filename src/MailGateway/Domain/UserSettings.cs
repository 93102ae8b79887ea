namespace ClpMailGateway.Domain;

public sealed class UserSettings
{
    public int UserId { get; set; }

    /// <summary>Internal users see the Internal channel only when this is on.</summary>
    public bool InternalMessagesEnabled { get; set; }

    public DeliveryMode InternalDelivery { get; set; } = DeliveryMode.Immediate;
    public DeliveryMode BroadcastDelivery { get; set; } = DeliveryMode.Immediate;
    public DeliveryMode VendorDelivery { get; set; } = DeliveryMode.Immediate;

    /// <summary>A message that @mentions the user is mailed at once, whatever the delivery of its channel's kind (Digest
    /// or Off) and whatever the user muted; off only when the user turns mentions off.</summary>
    public bool MentionsEnabled { get; set; } = true;

    /// <summary>The IANA time zone times are shown in, on the web and in mail bodies (mail headers stay UTC).</summary>
    public string TimeZone { get; set; } = Rendering.ReaderTime.Utc;

    /// <summary>The language of the web for this user, a BCP 47 tag of the shipped list; null follows the browser.</summary>
    public string? Language { get; set; }

    public DeliveryMode DeliveryFor(ChannelKind kind) => kind switch
    {
        ChannelKind.Internal => InternalDelivery,
        ChannelKind.Broadcast => BroadcastDelivery,
        ChannelKind.Vendor => VendorDelivery,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind."),
    };

    public void SetDeliveryFor(ChannelKind kind, DeliveryMode mode)
    {
        switch (kind)
        {
            case ChannelKind.Internal:
                InternalDelivery = mode;
                break;
            case ChannelKind.Broadcast:
                BroadcastDelivery = mode;
                break;
            case ChannelKind.Vendor:
                VendorDelivery = mode;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind.");
        }
    }
}
