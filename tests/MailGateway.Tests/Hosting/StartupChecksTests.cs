using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;

namespace ClpMailGateway.Tests.Hosting;

/// <summary>The start-up check that the database can be written (the gateway's <c>run</c> and the web stop with one line
/// when it cannot).</summary>
public sealed class StartupChecksTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("clp-startup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task EnsureDatabaseWritable_NewFileInANewFolder_IsCreatedAndPasses()
    {
        var path = Path.Combine(_folder, "state", "gateway.db");

        await StartupChecks.EnsureDatabaseWritableAsync(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={path}"), CancellationToken.None);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task EnsureDatabaseWritable_OpenedReadOnly_OneLineNamingTheFileAndTheCause()
    {
        var path = Path.Combine(_folder, "gateway.db");
        await StartupChecks.EnsureDatabaseWritableAsync(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={path}"), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<StartupCheckException>(() =>
            StartupChecks.EnsureDatabaseWritableAsync(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={path};Mode=ReadOnly"), CancellationToken.None));

        Assert.StartsWith($"the database {path} cannot be written (SqliteException: SQLite Error 8: 'attempt to write a readonly database'.)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task EnsureDatabaseWritable_FolderIsAFile_Refused()
    {
        var blocker = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");

        var refused = await Assert.ThrowsAsync<StartupCheckException>(() =>
            StartupChecks.EnsureDatabaseWritableAsync(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(blocker, "gateway.db")}"), CancellationToken.None));

        Assert.Contains("cannot be written", refused.Message, StringComparison.Ordinal);
    }
}
