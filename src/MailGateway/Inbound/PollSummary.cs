namespace ClpMailGateway.Inbound;

/// <summary>What one poll did.</summary>
public sealed record PollSummary(string Mailbox, long UidValidity, bool Resynced, int Fetched, int Stored, int Duplicates, int Posted, int Ignored, int Rejected, int Moved);
