using ClpMailGateway.Threading;

namespace ClpMailGateway.Inbound;

/// <summary>What one bounded parse of a mail gave (<see cref="BoundedParser"/>): the mail parsed and classified, or the
/// limit it went over (<see cref="Limit"/>), or the error it threw.</summary>
public sealed record ParseOutcome(ParsedReply? Parsed, string? Limit, Exception? Error, TimeSpan Elapsed, long AllocatedBytes)
{
    public bool IsParsed => Parsed is not null;

    /// <summary>The time limit was reached while another parse was also past its own (running beside it, or abandoned
    /// and not yet ended): a runaway parse slows the whole process (every garbage collection walks its stack), so this
    /// mail may only have been held up by it, and is to be tried again on its own rather than quarantined.</summary>
    public bool Contested { get; init; }
}
