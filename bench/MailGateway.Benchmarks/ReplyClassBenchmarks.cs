using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClpMailGateway.Parsing;
using MimeKit;

namespace ClpMailGateway.Benchmarks;

/// <summary>Understanding the replies of each class of issue 28 (the project's own cases in
/// <c>tests/MailGateway.Tests/Parsing/Corpus/&lt;class&gt;</c>), all cases of a class per operation, against the baseline of
/// MimeKit parsing the same bytes alone. Divide by the class's case count for one mail.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class ReplyClassBenchmarks
{
    private byte[][] _mails = [];

    [ParamsSource(nameof(Classes))]
    public string Class { get; set; } = string.Empty;

    public static IEnumerable<string> Classes() => ["charsets", "clients", "deliberate", "footers", "kinds", "not-quotes", "parts", "tokens"];

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "MailGateway.Tests", "Parsing", "Corpus", Class);
        _mails = Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Console.WriteLine($"// {Class}: {_mails.Length} mails, {_mails.Sum(m => m.Length)} bytes, largest {_mails.Max(m => m.Length)} bytes");
    }

    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        var parts = 0;
        foreach (var mail in _mails)
        {
            using var stream = new MemoryStream(mail, writable: false);
            parts += MimeMessage.Load(stream).BodyParts.Count();
        }

        return parts;
    }

    [Benchmark]
    public int Analyze()
    {
        var length = 0;
        foreach (var mail in _mails)
        {
            length += ReplyAnalyzer.Analyze(mail, Samples.LocalPart, Samples.Domain).Text.Length;
        }

        return length;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ClpMailGateway.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository (ClpMailGateway.sln not found above " + AppContext.BaseDirectory + ").");
    }
}
