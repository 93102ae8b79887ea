using System.Diagnostics;
using System.Text.Json;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The real executable, as an operator runs it: JSON lines on stdout, one line on stderr and a non-zero exit on failure.</summary>
public sealed class ExecutableTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clp-exe-tests", Guid.NewGuid().ToString("N"));

    public ExecutableTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Executable_MigrateSeedAndRead_AsNewUserWould()
    {
        var migrate = await RunAsync("migrate");
        var seed = await RunAsync("seed-demo");
        var broadcast = await RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "broadcast", "--as", "fr.lea@clp.test");
        var refused = await RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "internal", "--as", "fr.lea@clp.test");

        Assert.Equal(0, migrate.Exit);
        Assert.Equal("migrated", JsonDocument.Parse(migrate.Stdout).RootElement.GetProperty("type").GetString());
        Assert.Equal(0, seed.Exit);
        Assert.Equal(12, seed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, broadcast.Exit);
        Assert.Equal(2, broadcast.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(4, refused.Exit);
        Assert.Equal("error: Léa Martin cannot read blue-harbor-s2/internal: the Internal channel is for staff only.\n", refused.Stderr);
        Assert.Empty(refused.Stdout);
    }

    [Fact]
    public async Task Executable_NoArguments_PrintsUsageAndExits2()
    {
        var result = await RunAsync();

        Assert.Equal(2, result.Exit);
        Assert.Contains("usage: MailGateway <command>", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var dll = ClpMailGateway.TestSupport.RepositoryPaths.BuiltDll("MailGateway");
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        info.Environment["ConnectionStrings__Gateway"] = $"Data Source={Path.Combine(_folder, "gateway.db")}";
        // Posting (seed-demo posts demo messages) renders notifications with reply tokens, as scripts/up sets them.
        info.Environment["ReplyTokens__CurrentKeyId"] = "t1";
        info.Environment["ReplyTokens__Keys__t1"] = ClpMailGateway.TestSupport.TestDatabase.TestTokenKey;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
