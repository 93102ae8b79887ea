namespace ClpMailGateway.Domain;

public enum InboundStatus
{
    /// <summary>Stored durably, not yet threaded.</summary>
    Pending = 1,
    Posted = 2,

    /// <summary>Auto-replies and bounces: understood, never posted, nobody told.</summary>
    Ignored = 3,

    /// <summary>Quarantined with a reason; the sender was told (at most once a day per reason).</summary>
    Rejected = 4,
}

/// <summary>One mail fetched from the gateway mailbox, stored raw before anything else happens to it.</summary>
public sealed class InboundMail
{
    public long Id { get; set; }
    public required string Mailbox { get; set; }
    public long UidValidity { get; set; }
    public long Uid { get; set; }

    /// <summary>The Message-ID header without angle brackets; empty when the mail has none.</summary>
    public required string MessageId { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Raw"/>; with <see cref="MessageId"/> the idempotency key.</summary>
    public required string Sha256 { get; set; }

    public required byte[] Raw { get; set; }
    public long SizeBytes { get; set; }
    public string? FromAddress { get; set; }
    public string? Subject { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
    public InboundStatus Status { get; set; } = InboundStatus.Pending;

    /// <summary>reply, auto_reply, bounce or not_a_reply, once classified.</summary>
    public string? Kind { get; set; }

    /// <summary>Machine-readable reason for Rejected/Ignored (e.g. <c>sender_mismatch</c>).</summary>
    public string? Reason { get; set; }

    /// <summary>The sentence shown to the sender and operators.</summary>
    public string? ReasonDetail { get; set; }

    public long? PostedMessageId { get; set; }
    public int? UserId { get; set; }
    public int? ChannelId { get; set; }
    public DateTime? ProcessedAtUtc { get; set; }

    /// <summary>When the mail was moved out of the inbox to Processed or Rejected; null while still to move.</summary>
    public DateTime? MovedAtUtc { get; set; }

    public int Attempts { get; set; }

    /// <summary>When retention emptied <see cref="Raw"/> (what was posted stays, and the row keeps the idempotency key, so
    /// the same mail fetched again is still known); null while the raw bytes are kept.</summary>
    public DateTime? RawRemovedAtUtc { get; set; }

    /// <summary>JSON array of trace steps: fetched, stored, classified, routed, posted or rejected, moved.</summary>
    public string Trace { get; set; } = "[]";
}
