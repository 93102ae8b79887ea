using ClpMailGateway.Threading;

namespace ClpMailGateway.Inbound;

/// <summary>What one bounded parse of a mail gave (<see cref="BoundedParser"/>): the mail parsed and classified, or the
/// limit it went over (<see cref="Limit"/>), or the error it threw.</summary>
public sealed record ParseOutcome(ParsedReply? Parsed, string? Limit, Exception? Error, TimeSpan Elapsed, long AllocatedBytes)
{
    public bool IsParsed => Parsed is not null;
}
