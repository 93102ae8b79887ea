using ClpMailGateway.Domain;

namespace ClpMailGateway.Inbound;

/// <summary>What one poll did.</summary>
public sealed record PollSummary(string Mailbox, long UidValidity, bool Resynced, int Fetched, int Stored, int Duplicates, int Posted, int Ignored, int Rejected, int Moved)
{
    /// <summary>A poll that found the mailbox polled by another process and only threaded stored mails.</summary>
    public static PollSummary Threaded(string mailbox, IReadOnlyList<InboundStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return new PollSummary(
            mailbox, 0, false, 0, 0, 0,
            statuses.Count(s => s == InboundStatus.Posted), statuses.Count(s => s == InboundStatus.Ignored), statuses.Count(s => s == InboundStatus.Rejected), 0);
    }
}
