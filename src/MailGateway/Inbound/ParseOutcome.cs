using ClpMailGateway.Threading;

namespace ClpMailGateway.Inbound;

/// <summary>What one bounded parse of a mail gave (<see cref="BoundedParser"/>): the mail parsed and classified, or the
/// limit it went over (<see cref="Limit"/>), or the error it threw.</summary>
public sealed record ParseOutcome(ParsedReply? Parsed, string? Limit, Exception? Error, TimeSpan Elapsed, long AllocatedBytes)
{
    public bool IsParsed => Parsed is not null;

    /// <summary>The parse was stopped for the wall time it took, not for the CPU it used: it was held up (a loaded machine,
    /// or a runaway parse beside it that slows the whole process: every garbage collection walks its stack), so the mail
    /// is to be tried again on its own rather than quarantined.</summary>
    public bool Contested { get; init; }
}
