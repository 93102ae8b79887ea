namespace ClpMailGateway.Domain;

/// <summary>That a user has been sent a channel's first notification, whose Message-ID is the channel's thread root for
/// them: every later notification of the channel answers it (In-Reply-To and References), so mail clients keep one
/// thread per channel.</summary>
public sealed class MailThread
{
    public int UserId { get; set; }
    public int ChannelId { get; set; }
    public DateTime StartedAtUtc { get; set; }
}
