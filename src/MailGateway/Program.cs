using ClpMailGateway.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await GatewayCli.RunAsync(args, Console.Out, Console.Error, configurationOverrides: null, cancellation.Token);

/// <summary>The entry point, internal: with the ASP.NET Core framework referenced, the SDK would otherwise make it public,
/// and the web's own public <c>Program</c> (WebApplicationFactory's) would then be ambiguous in its tests.</summary>
internal partial class Program;
