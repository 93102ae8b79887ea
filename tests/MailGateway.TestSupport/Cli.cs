using System.Text.Json;
using ClpMailGateway.Commands;
using Xunit;

namespace ClpMailGateway.TestSupport;

/// <summary>Runs the gateway's commands in-process, exactly as Program.cs does, against a test database.</summary>
public sealed class Cli(TestDatabase database)
{
    public Task<CliResult> RunAsync(params string[] args) => RunWithSettingsAsync(new Dictionary<string, string?>(), args);

    public async Task<CliResult> RunWithSettingsAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        // Posting renders notifications, which need the reply-token keys (scripts/up sets them from .state/secrets.env).
        var overrides = new Dictionary<string, string?>
        {
            ["ReplyTokens:CurrentKeyId"] = "t1",
            ["ReplyTokens:Keys:t1"] = TestDatabase.TestTokenKey,
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        overrides["ConnectionStrings:Gateway"] = database.ConnectionString;
        var exit = await GatewayCli.RunAsync(args, stdout, stderr, overrides, CancellationToken.None);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<JsonElement> Lines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    /// <summary>The single stderr line of a failed command.</summary>
    public string Error
    {
        get
        {
            var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            return lines[0];
        }
    }
}
