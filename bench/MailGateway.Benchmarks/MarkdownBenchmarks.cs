using System.Net;
using BenchmarkDotNet.Attributes;
using ClpMailGateway.Rendering;

namespace ClpMailGateway.Benchmarks;

/// <summary>A message's text as safe Markdown HTML (<see cref="MessageMarkdown.ToHtml"/>), against the baseline of the
/// same text HTML-encoded as plain text (what the pages and mails did before Markdown), for a realistic message and a
/// long one.</summary>
[MemoryDiagnoser]
public class MarkdownBenchmarks
{
    /// <summary>A typical message: a greeting, emphasis, a list, a link, an autolink and a quoted line.</summary>
    private const string Realistic = """
        Hi all,

        The **locked cut** of episode 3 is out. Please re-time reel 2 before *Friday*:

        - shots 14-22 moved by 12 frames
        - new title card at `01:02:03:04`
        - see [the change list](https://cdn.example/ep3/changes.pdf) or https://cdn.example/ep3/edl

        > Can we keep the old cue at 00:41?

        Yes, keep it. Thanks!
        Anna
        """;

    private string _text = string.Empty;

    [Params(1, 40)]
    public int Copies { get; set; }

    [GlobalSetup]
    public void Setup() => _text = string.Concat(Enumerable.Repeat(Realistic + "\n\n", Copies));

    [Benchmark(Baseline = true)]
    public string PlainEncoded() => WebUtility.HtmlEncode(_text);

    [Benchmark]
    public string Markdown() => MessageMarkdown.ToHtml(_text);
}
