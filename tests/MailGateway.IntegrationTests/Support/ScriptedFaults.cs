using ClpMailGateway.Inbound;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>Crashes the pipeline once at the chosen step, as a killed process would; or runs <see cref="Meanwhile"/>
/// at every step (something else happening to the mailbox at that moment).</summary>
public sealed class ScriptedFaults : IInboundFaults
{
    public InboundStep? CrashAt { get; set; }

    public Action<InboundStep, long>? Meanwhile { get; set; }

    public int Crashes { get; private set; }

    public void At(InboundStep point, long uid)
    {
        Meanwhile?.Invoke(point, uid);
        if (CrashAt == point)
        {
            CrashAt = null;
            Crashes++;
            throw new PipelineCrashException($"simulated crash at {point} (uid {uid})");
        }
    }
}
