namespace ClpMailGateway.Domain;

/// <summary>How far the poller has durably stored a mailbox: (mailbox, UIDVALIDITY, last UID).</summary>
public sealed class MailboxCheckpoint
{
    public required string Mailbox { get; set; }
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    /// <summary>When a poll last read the mailbox to its end (new mail or not).</summary>
    public DateTime UpdatedAtUtc { get; set; }
}
