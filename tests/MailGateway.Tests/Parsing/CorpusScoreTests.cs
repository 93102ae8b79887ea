using System.Globalization;
using System.Text;
using ClpMailGateway.Parsing;
using MimeKit;
using Xunit.Abstractions;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>The reply understanding measured on public data (<c>../shared/corpus</c>): trimming against six projects'
/// expected texts, classification against Discourse's labels, robustness against MimeKit's odd messages.</summary>
public sealed class CorpusScoreTests(ITestOutputHelper output)
{
    private const string Domain = "clp.test";
    private const string LocalPart = "reply";

    /// <summary>Cases whose expected text is wrong for our purpose or encodes a policy of its own project. Scored raw,
    /// and left out of the adjusted score. Keep the reason precise.</summary>
    private static readonly Dictionary<string, string> Excluded = new(StringComparer.Ordinal)
    {
        ["email_reply_trimmer/quote_and_text"] = KeepsQuotes,
        ["email_reply_trimmer/embedded_email_7"] = KeepsQuotes,
        ["email_reply_trimmer/embedded_email_16"] = KeepsQuotes,
        ["email_reply_trimmer/embedded_email_17"] = KeepsQuotes,
        ["email_reply_trimmer/quote_only"] = "Discourse keeps a body that is nothing but a quote; ours (issue 28) reads it as an empty reply (text \"\"), "
            + "which the threader refuses with advice, rather than posting the quoted history",
        ["discourse_receiver/inline_mixed_replies"] = KeepsQuotes,
        ["crisp_email_reply_parser/email_1"] = "expects the sign-off '-Abhishek Kona' kept, while github_email_reply_parser email_1_1 and email_1_3 "
            + "expect the same sign-off on the same text removed; we follow github (a lone '-Name' line ending the reply is a signature)",
        ["crisp_email_reply_parser/email_with_regards"] = "crisp removes a 'Regards,' closing with the name and title under it; every other source keeps "
            + "closings ('Best regards,\n\n//Jef', 'Thanks,\nSome One'), and so do we: only '-- ', separators and mobile footers end a reply",
        ["discourse_receiver/text_and_html_reply"] = "Discourse reads the text/plain alternative; when the two alternatives say different things "
            + "the HTML is what the person saw, and ours (issue 28) reads the HTML",
        ["email_reply_trimmer/forwarded_gmail"] = "Discourse cuts a forward below the person's note; ours (issue 28) keeps a forward the person "
            + "wrote below their own text ('see the client's note below'), since it is what they meant to send",
        ["talon/outlook"] = "the fixture's text/plain says 'Hello' and its HTML alternative says something else; talon reads the plain text, ours "
            + "(issue 28) reads the HTML, which is what the person saw",
        ["talon/iphone"] = KeepsSignatures,
        ["talon/sparrow"] = KeepsSignatures,
    };

    private const string KeepsQuotes = "Discourse's policy keeps the quoted lines of an inline or bottom-posted answer as Markdown quotes; "
        + "ours (issue 4) keeps only the person's own lines and drops every '>' line";

    private const string KeepsSignatures = "talon's quotation extraction leaves signatures to a separate step, so its expected text keeps "
        + "'Sent from my iPhone' / '-- ' signatures; the gateway removes mobile footers and '-- ' signatures (DESIGN.md)";

    /// <summary>The peers score 69.7% (node-email-reply-parser), 67.6% (email-reply-parser) and 51.7% (planer)
    /// overall; the corpus publishes no per-source peer figures, so every source must reach 90% adjusted, which is
    /// above the best peer's overall score, and the whole set 95% adjusted. Raw (no exclusions) is guarded at 90%.</summary>
    private const double PerSourceFloor = 0.90;
    private const double OverallTarget = 0.95;
    private const double RawOverallFloor = 0.90;

    [Fact]
    public void Trim_PublicManifest_MeetsTargetsPerSource()
    {
        var root = PublicCorpus.Root;
        var rows = PublicCorpus.ReadTsv(Path.Combine(root, "trim", "MANIFEST.tsv"));
        Assert.NotEmpty(rows);
        var results = new List<(string Source, string Case, bool Pass, bool Excluded)>();
        var failures = new StringBuilder();
        foreach (var row in rows)
        {
            var expected = PublicCorpus.Normalize(File.ReadAllText(Path.Combine(root, row["expected_path"])));
            var actual = PublicCorpus.Normalize(Extract(Path.Combine(root, row["input_path"]), row["format"]));
            var pass = string.Equals(expected, actual, StringComparison.Ordinal);
            var excluded = Excluded.ContainsKey(row["case_id"]);
            results.Add((row["source"], row["case_id"], pass, excluded));
            if (!pass)
            {
                failures.Append(CultureInfo.InvariantCulture, $"FAIL {row["case_id"]}{(excluded ? " (excluded: " + Excluded[row["case_id"]] + ")" : string.Empty)}\n--- expected\n{expected}\n--- actual\n{actual}\n\n");
            }
        }

        var table = new StringBuilder();
        table.AppendLine("source                          cases  raw pass  raw %   excl  adj pass  adj %");
        foreach (var group in results.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Append(results.GroupBy(_ => "ALL").Single()))
        {
            var raw = group.Count(r => r.Pass);
            var kept = group.Where(r => !r.Excluded).ToList();
            var adjusted = kept.Count(r => r.Pass);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{group.Key,-30} {group.Count(),6} {raw,9} {Percent(raw, group.Count()),6} {group.Count() - kept.Count,6} {adjusted,9} {Percent(adjusted, kept.Count),6}");
        }

        output.WriteLine(table.ToString());
        output.WriteLine(failures.ToString());
        var reportPath = Path.Combine(AppContext.BaseDirectory, "reply-score.txt");
        File.WriteAllText(reportPath, table + "\n" + failures);
        output.WriteLine("Written to " + reportPath);

        foreach (var group in results.GroupBy(r => r.Source))
        {
            var kept = group.Where(r => !r.Excluded).ToList();
            Assert.True(Rate(kept.Count(r => r.Pass), kept.Count) >= PerSourceFloor,
                $"{group.Key}: {Percent(kept.Count(r => r.Pass), kept.Count)} adjusted, below {PerSourceFloor:P0}\n{table}");
        }

        var all = results.Where(r => !r.Excluded).ToList();
        Assert.True(Rate(all.Count(r => r.Pass), all.Count) >= OverallTarget, $"overall below {OverallTarget:P0}\n{table}");
        Assert.True(Rate(results.Count(r => r.Pass), results.Count) >= RawOverallFloor, $"raw overall below {RawOverallFloor:P0}\n{table}");
        Assert.All(Excluded.Keys, id => Assert.Contains(results, r => r.Case == id));
    }

    /// <summary>Labels whose rule differs from ours, with the kind we expect instead and why.</summary>
    private static readonly Dictionary<string, (string Label, string Reason)> Relabelled = new(StringComparer.Ordinal)
    {
        ["auto_generated_precedence.eml"] = ("normal", "Discourse treats Precedence: list alone as automatic; ours (issue 28) does not, since a vendor's team "
            + "address expanded by a mailing list (Google Groups and the like) delivers people's replies with it"),
    };

    [Fact]
    public void Analyze_DiscourseLabels_BouncesAndAutoRepliesClassifiedAndNormalMailIsNeither()
    {
        var root = PublicCorpus.Root;
        var folder = Path.Combine(root, "ingest", "discourse");
        var rows = PublicCorpus.ReadTsv(Path.Combine(folder, "LABELS.tsv"));
        Assert.NotEmpty(rows);
        var wrong = new List<string>();
        var counts = new Dictionary<string, (int Total, int Pass)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var label = Relabelled.TryGetValue(row["file"], out var relabelled) ? relabelled.Label : row["label"];
            var kind = ReplyAnalyzer.Analyze(Load(Path.Combine(folder, row["file"])), LocalPart, Domain).Kind;
            bool? pass = label switch
            {
                "bounce" => kind == ReplyKind.Bounce,
                "auto_generated" => kind == ReplyKind.AutoReply,
                "normal" => kind is not (ReplyKind.Bounce or ReplyKind.AutoReply),
                _ => null,
            };
            if (pass is null)
            {
                continue;
            }

            var (total, passed) = counts.GetValueOrDefault(label);
            counts[label] = (total + 1, passed + (pass.Value ? 1 : 0));
            if (!pass.Value)
            {
                wrong.Add($"{row["file"]}: label {label}, classified {kind}");
            }
        }

        foreach (var (label, (total, passed)) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"discourse {label,-16} {passed}/{total}");
        }

        Assert.Equal(3, counts.Count);
        Assert.All(Relabelled, r => Assert.True(rows.Any(row => row["file"] == r.Key) && r.Value.Reason.Length > 0, r.Key));
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void Analyze_MimeKitOddMessages_EveryFileGetsAKindWithoutException()
    {
        var folder = Path.Combine(PublicCorpus.Root, "mime", "mimekit");
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var analysis = ReplyAnalyzer.Analyze(File.ReadAllBytes(file), LocalPart, Domain);
            Assert.True(Enum.IsDefined(analysis.Kind), file);
            Assert.NotNull(analysis.Text);
            output.WriteLine($"{Path.GetFileName(file),-45} {analysis.Kind,-10} {analysis.BounceType} {analysis.BouncedRecipient}");
        }
    }

    private static string Extract(string path, string format) => format switch
    {
        "text" => ReplyTrimmer.Trim(File.ReadAllText(path)),
        "eml" => ReplyAnalyzer.Analyze(Load(path), LocalPart, Domain).Text,
        _ => throw new InvalidDataException("unknown format " + format),
    };

    private static MimeMessage Load(string path)
    {
        using var stream = File.OpenRead(path);
        return MimeMessage.Load(stream);
    }

    private static double Rate(int pass, int total) => total == 0 ? 1 : (double)pass / total;

    private static string Percent(int pass, int total) => Rate(pass, total).ToString("P1", CultureInfo.InvariantCulture);
}
