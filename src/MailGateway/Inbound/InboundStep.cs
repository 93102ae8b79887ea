namespace ClpMailGateway.Inbound;

/// <summary>The points of the inbound pipeline between which a crash must lose nothing and duplicate nothing.</summary>
public enum InboundStep
{
    Fetched,
    Stored,
    CheckpointSaved,
    Posted,
    Moved,
}

/// <summary>A seam for tests that crash the pipeline at a step. The default does nothing.</summary>
public interface IInboundFaults
{
    void At(InboundStep point, long uid);
}

public sealed class NoInboundFaults : IInboundFaults
{
    public void At(InboundStep point, long uid)
    {
    }
}
