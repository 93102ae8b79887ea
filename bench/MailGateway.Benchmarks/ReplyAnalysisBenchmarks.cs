using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClpMailGateway.Parsing;
using MimeKit;

namespace ClpMailGateway.Benchmarks;

/// <summary>Classify, trim and extract one reply from its raw bytes, against the baseline of MimeKit parsing the same
/// bytes alone (what any gateway must pay).</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ReplyAnalysisBenchmarks
{
    private byte[] _gmail = [];
    private byte[] _outlook = [];
    private byte[] _japanese = [];

    [GlobalSetup]
    public void Setup()
    {
        _gmail = Samples.GmailShort();
        _outlook = Samples.OutlookHtmlThread();
        _japanese = Samples.JapaneseIso2022Jp();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("gmail-short")]
    public MimeMessage GmailShort_ParseOnly() => Parse(_gmail);

    [Benchmark]
    [BenchmarkCategory("gmail-short")]
    public ReplyAnalysis GmailShort_Analyze() => ReplyAnalyzer.Analyze(_gmail, Samples.LocalPart, Samples.Domain);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("outlook-html-thread")]
    public MimeMessage OutlookThread_ParseOnly() => Parse(_outlook);

    [Benchmark]
    [BenchmarkCategory("outlook-html-thread")]
    public ReplyAnalysis OutlookThread_Analyze() => ReplyAnalyzer.Analyze(_outlook, Samples.LocalPart, Samples.Domain);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("japanese-iso-2022-jp")]
    public MimeMessage Japanese_ParseOnly() => Parse(_japanese);

    [Benchmark]
    [BenchmarkCategory("japanese-iso-2022-jp")]
    public ReplyAnalysis Japanese_Analyze() => ReplyAnalyzer.Analyze(_japanese, Samples.LocalPart, Samples.Domain);

    private static MimeMessage Parse(byte[] raw)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return MimeMessage.Load(stream);
    }
}
