using System.Text.Json;
using ClpMailGateway.Commands;

namespace ClpMailGateway.Tests.Parsing;

public sealed class InspectCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("clp-inspect-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Inspect_FolderOfMailAndBodies_PrintsOneLinePerFileWithTheDesignShape()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "a-reply.eml"),
            "From: anna@vendor.example\r\nTo: reply+AbCdEfGhIjKlMnOpQrStUv_-12@clp.test\r\nSubject: Re: x\r\n\r\nFixed.\r\n\r\nOn Mon, Feb 3, 2025 at 10:12 AM CLP <n@clp.test> wrote:\r\n> old\r\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "b-body.txt"), "Thanks!\n\nSent from my iPhone\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "c-garbage.eml"), [0x00, 0xFF, 0x1B, 0x0A, 0x2D, 0x2D, 0x0A, 0xC3]);
        await File.WriteAllTextAsync(Path.Combine(folder, "ignored.json"), "{}");

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await GatewayCli.RunAsync(["inspect", folder], stdout, stderr, new Dictionary<string, string?>(), CancellationToken.None);

        Assert.Equal(0, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        string[] keys = ["file", "kind", "token", "text", "attachments", "reject_reason", "bounce_type", "bounced_recipient"];
        Assert.All(lines, line => Assert.Equal(keys, line.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(("reply", "AbCdEfGhIjKlMnOpQrStUv_-12", "Fixed."), (lines[0].GetProperty("kind").GetString(), lines[0].GetProperty("token").GetString(), lines[0].GetProperty("text").GetString()));
        Assert.Equal("Thanks!", lines[1].GetProperty("text").GetString());
        Assert.Contains(lines[2].GetProperty("kind").GetString(), new[] { "reply", "auto_reply", "bounce", "not_a_reply" });
    }

    [Fact]
    public async Task Inspect_MissingPath_FailsWithOneLine()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await GatewayCli.RunAsync(["inspect", Path.Combine(folder, "nope.eml")], stdout, stderr, new Dictionary<string, string?>(), CancellationToken.None);
        Assert.NotEqual(0, exit);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
