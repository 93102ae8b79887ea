using ClpMailGateway.Domain;

namespace ClpMailGateway.Outbound;

/// <summary>One person a message goes to, and how: <see cref="DeliveryMode.Immediate"/> (a notification now) or
/// <see cref="DeliveryMode.Digest"/> (in the next digest).</summary>
public sealed record Recipient(int UserId, string Name, string Address, DeliveryMode Delivery, RecipientReason Reason)
{
    /// <summary>This notification is the first of its channel to the user: its Message-ID is the channel's thread root
    /// (<see cref="MailIds.ThreadRoot"/>), and it answers nothing.</summary>
    public bool StartsThread { get; init; }
}
