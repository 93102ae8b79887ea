using ClpMailGateway.Domain;

namespace ClpMailGateway.Outbound;

internal enum SendResult
{
    Sent,

    /// <summary>5xx for the recipient (at RCPT TO, or an addressing status 5.1.x): the address will never take it, and
    /// is suppressed for mails about messages.</summary>
    Permanent,

    /// <summary>5xx for this mail, not its address (at MAIL FROM or for the content: too large, refused content): Failed,
    /// the address is not suppressed.</summary>
    Undeliverable,

    /// <summary>Connection error, timeout or 4xx: try again later.</summary>
    Transient,
}

/// <summary>What one send attempt gave, handed from a sending worker to the single result writer, which completes
/// <see cref="Recorded"/> once it is committed.</summary>
/// <param name="ReplyCode">The relay's reply to the mail, or null when the connection failed before one.</param>
/// <param name="Duration">How long handing the mail to the relay took, when it was handed.</param>
internal sealed record SendOutcome(OutboundMail Mail, SendResult Result, DateTime AtUtc, string? Error, OutcomeGate? Recorded = null)
{
    public int? ReplyCode { get; init; }

    public TimeSpan? Duration { get; init; }
}
