using ClpMailGateway.Inbound;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>Crashes the pipeline once at the chosen step, as a killed process would.</summary>
public sealed class ScriptedFaults : IInboundFaults
{
    public InboundStep? CrashAt { get; set; }

    public int Crashes { get; private set; }

    public void At(InboundStep point, long uid)
    {
        if (CrashAt == point)
        {
            CrashAt = null;
            Crashes++;
            throw new PipelineCrashException($"simulated crash at {point} (uid {uid})");
        }
    }
}
