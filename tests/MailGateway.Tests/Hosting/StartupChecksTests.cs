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

    [Theory]
    [InlineData("http://127.0.0.1:{0}")]
    [InlineData("http://localhost:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://+:{0}")]
    [InlineData("http://127.0.0.1:0;http://127.0.0.1:{0}")]
    public void EnsureHttpPortsFree_PortListenedOnByAnother_RefusedNamingTheAddress(string urls)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var list = string.Format(System.Globalization.CultureInfo.InvariantCulture, urls, port).Split(';');

        var refused = Assert.Throws<StartupCheckException>(() => StartupChecks.EnsureHttpPortsFree(list));

        Assert.Contains(list[^1], refused.Message, StringComparison.Ordinal);
        Assert.Contains("address already in use", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://gateway.internal.example:{0}")]
    [InlineData("not a url")]
    public void EnsureHttpPortsFree_FreeOrLeftToKestrel_Passes(string url)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        StartupChecks.EnsureHttpPortsFree([string.Format(System.Globalization.CultureInfo.InvariantCulture, url, port)]);

        // The check listened and let go: the port it checked is free again for Kestrel.
        var free = System.Net.Sockets.TcpListener.Create(0);
        free.Start();
        var freePort = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        StartupChecks.EnsureHttpPortsFree([$"http://127.0.0.1:{freePort}"]);
        using var kestrel = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, freePort);
        kestrel.Start();
    }
}
