namespace ClpMailGateway.Domain;

/// <summary>A posted message whose notifications are not queued yet: written in the posting transaction, removed in the
/// transaction that queues its notification mails and digest items (<c>NotificationFanout</c>), so each message is
/// fanned out exactly once, after its post, by whichever process gets to it first.</summary>
public sealed class PendingFanout
{
    public long MessageId { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>Fan-outs of this message that failed (rendering threw); after
    /// <c>NotificationFanout.MaxAttempts</c> it is left for an operator, with <see cref="LastError"/>.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
