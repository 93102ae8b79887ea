using System.Text.Json;
using ClpMailGateway.Commands;
using ClpMailGateway.Mail;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>This project's own reply cases (<c>Parsing/Corpus/&lt;class&gt;/&lt;case&gt;.eml</c>, each with the
/// <c>inspect</c> line it must give in <c>&lt;case&gt;.expected.json</c>), one folder per class of issue 28: client
/// history formats, footers and disclaimers, content that only looks like quoting, deliberate content, parts and files,
/// charsets, kinds, tokens. Each case runs through <c>inspect</c>, as an operator would.</summary>
public sealed class ReplyCorpusTests
{
    private static string Folder => Path.Combine(ClpMailGateway.TestSupport.RepositoryPaths.Root, "tests", "MailGateway.Tests", "Parsing", "Corpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Folder, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Inspect_CorpusCase_GivesTheExpectedLine(string name)
    {
        var file = Path.Combine(Folder, name);
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(file, ".expected.json")));
        var root = expected.RootElement;

        var actual = await InspectCommand.InspectAsync(file, new MailOptions { ReplyLocalPart = "reply", Domain = "clp.test" }, CancellationToken.None);

        Assert.Equal(root.GetProperty("kind").GetString(), actual.Kind);
        Assert.Equal(root.GetProperty("token").GetString(), actual.Token);
        Assert.Equal(root.GetProperty("text").GetString(), actual.Text);
        Assert.Equal(root.GetProperty("attachments").EnumerateArray().Select(a => a.GetString()), actual.Attachments.Select(a => $"{a.Name} {a.ContentType} {a.SizeBytes}"));
        Assert.Equal(root.GetProperty("reject_reason").GetString(), actual.RejectReason);
        Assert.Equal(root.GetProperty("bounce_type").GetString(), actual.BounceType);
        Assert.Equal(root.GetProperty("bounced_recipient").GetString(), actual.BouncedRecipient);
    }

    [Fact]
    public void Corpus_EveryClassOfIssue28_HasCases()
    {
        string[] classes = ["charsets", "clients", "deliberate", "footers", "kinds", "not-quotes", "parts", "tokens"];
        Assert.All(classes, c => Assert.True(Directory.GetFiles(Path.Combine(Folder, c), "*.eml").Length >= 4, c));
        Assert.All(Directory.GetFiles(Folder, "*.eml", SearchOption.AllDirectories), f => Assert.True(File.Exists(Path.ChangeExtension(f, ".expected.json")), f));
    }
}
