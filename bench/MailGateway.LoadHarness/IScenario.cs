namespace ClpMailGateway.LoadHarness;

/// <summary>One end-to-end measurement of scripts/bench. Every implementation is found by reflection, so a new scenario
/// is one new file. It measures the gateway and its baseline in the same run and adds both to the report.</summary>
internal interface IScenario
{
    /// <summary>Name on the command line (scripts/bench NAME).</summary>
    string Name { get; }

    /// <summary>Position in a full run (lower first).</summary>
    int Order { get; }

    Task RunAsync(HarnessContext context, CancellationToken cancellationToken);
}
