using ClpMailGateway.Domain;

namespace ClpMailGateway.Outbound;

internal enum SendResult
{
    Sent,

    /// <summary>5xx: the server will never take it.</summary>
    Permanent,

    /// <summary>Connection error, timeout or 4xx: try again later.</summary>
    Transient,
}

/// <summary>What one send attempt gave, handed from a sending worker to the single result writer.</summary>
internal sealed record SendOutcome(OutboundMail Mail, SendResult Result, DateTime AtUtc, string? Error);
