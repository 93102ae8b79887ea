using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Storage;

/// <summary>Every connection a context opens is set up by <see cref="GatewayConnectionInterceptor"/>.</summary>
[Trait("Provider", "Sqlite")]
public sealed class ConnectionSetupTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData("busy_timeout", 30000)]
    [InlineData("wal_autocheckpoint", 16384)]
    public async Task Connection_PragmaIsSet(string pragma, long expected)
    {
        var value = await _database.WithAsync(async services =>
        {
            var db = services.GetRequiredService<GatewayDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "PRAGMA " + pragma;
            return (long)(await command.ExecuteScalarAsync())!;
        });

        Assert.Equal(expected, value);
    }
}
