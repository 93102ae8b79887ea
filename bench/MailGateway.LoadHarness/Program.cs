using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.LoadHarness;

// scripts/bench [--scale F] [scenario ...]: runs the named scenarios (all when none) against the real mail servers and
// prints one table of figures, each beside its baseline from the same run. Exit 0 when every target is met, 3 when a
// target is missed, 1 on an error.
var scale = 1.0;
var names = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--scale" && i + 1 < args.Length)
    {
        scale = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        names.Add(args[i]);
    }
}

var scenarios = typeof(IScenario).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScenario).IsAssignableFrom(t))
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Order)
    .ToList();
var unknown = names.Where(n => scenarios.All(s => s.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"error: unknown scenario {string.Join(", ", unknown)}; known: {string.Join(", ", scenarios.Select(s => s.Name))}");
    return 2;
}

var root = Directory.GetCurrentDirectory();
while (!File.Exists(Path.Combine(root, "ClpMailGateway.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("run scripts/bench from inside the repository");
}

var report = new Report();
var context = new HarnessContext(root, report, scale);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024 / 1024 / 1024.0:0.0} GiB, {RuntimeInformationText()}, scale {scale.ToString(CultureInfo.InvariantCulture)}");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
foreach (var scenario in scenarios.Where(s => names.Count == 0 || names.Contains(s.Name)))
{
    Console.WriteLine($"== {scenario.Name}");
    var clock = Stopwatch.StartNew();
    await scenario.RunAsync(context, cancel.Token);
    Console.WriteLine($"== {scenario.Name} took {clock.Elapsed.TotalSeconds:0.0} s");
}

var markdown = report.ToMarkdown();
Directory.CreateDirectory(context.StateFolder);
await File.WriteAllTextAsync(Path.Combine(context.StateFolder, "results.md"), markdown);
Console.WriteLine();
Console.WriteLine(markdown);
return report.AnyMissed ? 3 : 0;

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";

/// <summary>Entry point.</summary>
internal partial class Program;
