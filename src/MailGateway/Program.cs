using ClpMailGateway.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await GatewayCli.RunAsync(args, Console.Out, Console.Error, configurationOverrides: null, cancellation.Token);
