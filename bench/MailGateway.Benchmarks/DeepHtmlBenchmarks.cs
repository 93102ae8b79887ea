using System.Text;
using BenchmarkDotNet.Attributes;
using ClpMailGateway.Parsing;

namespace ClpMailGateway.Benchmarks;

/// <summary>Understanding an HTML reply nested <see cref="Depth"/> <c>div</c>s deep, against the baseline of a reply of
/// the same size whose <c>div</c>s are siblings: the ratio stays near 1 at every depth when the work is linear in the
/// size of the mail and not in its depth.</summary>
[MemoryDiagnoser]
public class DeepHtmlBenchmarks
{
    private byte[] _nested = [];
    private byte[] _flat = [];

    [Params(100, 1_000, 10_000, 64_000)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _nested = Mail(Repeat("<div>", Depth) + "Fixed in v2." + Repeat("</div>", Depth));
        _flat = Mail(Repeat("<div></div>", Depth) + "Fixed in v2.");
        if (_nested.Length != _flat.Length)
        {
            throw new InvalidOperationException("The two documents must be of the same size.");
        }
    }

    [Benchmark(Baseline = true)]
    public ReplyAnalysis Flat() => ReplyAnalyzer.Analyze(_flat, Samples.LocalPart, Samples.Domain);

    [Benchmark]
    public ReplyAnalysis Nested() => ReplyAnalyzer.Analyze(_nested, Samples.LocalPart, Samples.Domain);

    private static byte[] Mail(string body) => Encoding.UTF8.GetBytes(
        $"From: anna@vendor.example\r\nTo: reply+k1_bafsxf757p5n5ey2oiny4jdelheuc@{Samples.Domain}\r\nSubject: RE: Locked cut\r\n"
        + $"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>{body}</body></html>\r\n");

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}
