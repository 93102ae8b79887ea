using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ClpMailGateway.Tests.Administration;

public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private static readonly Actor Tester = Actor.ForCommandLine();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task<T> KeysAsync<T>(Func<ApiKeyService, Task<T>> use) => _database.WithAsync(s => use(s.GetRequiredService<ApiKeyService>()));

    [Fact]
    public async Task Create_NewKey_AuthenticatesAndStoresOnlyItsHash()
    {
        var created = await KeysAsync(k => k.CreateAsync("production sync", [ApiScopes.Sync], Tester, CancellationToken.None));

        var key = await KeysAsync(k => k.AuthenticateAsync(created.Text, CancellationToken.None));

        Assert.NotNull(key);
        Assert.Equal("sync", key.Scopes);
        Assert.NotNull(key.LastUsedAtUtc);
        Assert.True(created.Text.Length >= 50, created.Text);
        var stored = await _database.WithAsync(s => s.GetRequiredService<GatewayDbContext>().ApiKeys.AsNoTracking().SingleAsync());
        var secret = created.Text[(created.Text.LastIndexOf('_') + 1)..];
        Assert.DoesNotContain(secret, stored.SecretHash, StringComparison.Ordinal);
        Assert.Equal(64, stored.SecretHash.Length);
    }

    [Fact]
    public async Task Authenticate_RevokedKey_Refused()
    {
        var created = await KeysAsync(k => k.CreateAsync("old", [ApiScopes.Sync, ApiScopes.Admin], Tester, CancellationToken.None));

        Assert.True(await KeysAsync(k => k.RevokeAsync(created.Key.Id, Tester, CancellationToken.None)));

        Assert.Null(await KeysAsync(k => k.AuthenticateAsync(created.Text, CancellationToken.None)));
        var audit = await _database.WithAsync(s => s.GetRequiredService<GatewayDbContext>().AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["create", "revoke"], audit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("clp_")]
    [InlineData("Bearer x")]
    public async Task Authenticate_MalformedText_Refused(string? text) =>
        Assert.Null(await KeysAsync(k => k.AuthenticateAsync(text, CancellationToken.None)));

    [Fact]
    public async Task Authenticate_RightPrefixWrongSecret_Refused()
    {
        var created = await KeysAsync(k => k.CreateAsync("sync", [ApiScopes.Sync], Tester, CancellationToken.None));
        var forged = created.Text[..^4] + (created.Text.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        Assert.Null(await KeysAsync(k => k.AuthenticateAsync(forged, CancellationToken.None)));
    }
}
