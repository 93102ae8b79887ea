namespace ClpMailGateway.Inbound;

/// <summary>A simulated process crash, thrown only by test fault seams (<see cref="IInboundFaults"/>). The pipeline
/// never catches it, so it stops exactly as a killed process would at that point.</summary>
public sealed class PipelineCrashException : Exception
{
    public PipelineCrashException()
    {
    }

    public PipelineCrashException(string message)
        : base(message)
    {
    }

    public PipelineCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
