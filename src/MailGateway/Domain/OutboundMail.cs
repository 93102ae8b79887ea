namespace ClpMailGateway.Domain;

public enum OutboundStatus
{
    Pending = 1,
    Sent = 2,

    /// <summary>The server refused it permanently (5xx) or it ran out of attempts.</summary>
    Failed = 3,
}

/// <summary>A rendered mail waiting to be sent (outbox). Written in the same transaction as what caused it (for a
/// notification: its message's fan-out, which removes the pending row), sent by
/// the outbox job; a crash never loses one and a sent one is never sent again.</summary>
public sealed class OutboundMail
{
    public long Id { get; set; }

    /// <summary>What it is: <c>rejection</c>, <c>notification</c>, ...</summary>
    public required string Purpose { get; set; }

    public required string ToAddress { get; set; }

    /// <summary>Envelope sender; empty for the null return path (<c>MAIL FROM:&lt;&gt;</c>) of automatic replies.</summary>
    public required string EnvelopeFrom { get; set; }

    /// <summary>Groups mails for rate limits, e.g. <c>rejection:sender_mismatch</c>.</summary>
    public string? RateKey { get; set; }

    public required byte[] Raw { get; set; }
    public OutboundStatus Status { get; set; } = OutboundStatus.Pending;
    public DateTime CreatedAtUtc { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }
    public int Attempts { get; set; }
    public DateTime? SentAtUtc { get; set; }
    public string? LastError { get; set; }

    /// <summary>When retention cut <see cref="Raw"/> to its header block (a sent or given-up mail's rendered body is not
    /// kept; its headers and outcome are); null while the whole mail is kept. Never set on a pending mail.</summary>
    public DateTime? BodyRemovedAtUtc { get; set; }

    /// <summary>The process sending it now (its claim), or null; see <c>IOutboxClaims</c>.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>When the claim of <see cref="ClaimedBy"/> runs out unless renewed.</summary>
    public DateTime? ClaimedUntilUtc { get; set; }

    /// <summary>The W3C traceparent of what queued it (a notification's fan-out), so its sending joins that trace; null
    /// for mails queued outside one.</summary>
    public string? TraceParent { get; set; }
}
