using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Posting;

public sealed class LookupCacheTests
{
    [Fact]
    public async Task Begin_SameVersionAfterKeep_UsesWhatTheEarlierScopeCached()
    {
        var cache = new LookupCache();
        using (var scope = cache.Begin(version: 7L))
        {
            Assert.Equal("first", await cache.GetAsync("user", 1, () => Task.FromResult("first")));
            scope.Keep();
        }

        using (cache.Begin(version: 7L))
        {
            Assert.Equal("first", await cache.GetAsync("user", 1, () => Task.FromResult("second")));
        }
    }

    [Theory]
    [InlineData(true, 8L)] // another connection committed in between
    [InlineData(false, 7L)] // the scope was not kept (its transaction did not commit)
    public async Task Begin_OtherVersionOrNotKept_StartsEmpty(bool keep, long nextVersion)
    {
        var cache = new LookupCache();
        using (var scope = cache.Begin(version: 7L))
        {
            await cache.GetAsync("user", 1, () => Task.FromResult("first"));
            if (keep)
            {
                scope.Keep();
            }
        }

        using (cache.Begin(version: nextVersion))
        {
            Assert.Equal("second", await cache.GetAsync("user", 1, () => Task.FromResult("second")));
        }
    }

    [Fact]
    public async Task Begin_WithoutVersion_NeverKeeps()
    {
        var cache = new LookupCache();
        using (var scope = cache.Begin())
        {
            await cache.GetAsync("user", 1, () => Task.FromResult("first"));
            scope.Keep();
        }

        using (cache.Begin())
        {
            Assert.Equal("second", await cache.GetAsync("user", 1, () => Task.FromResult("second")));
        }

        Assert.False(cache.IsActive);
        Assert.Equal("fresh", await cache.GetAsync("user", 1, () => Task.FromResult("fresh")));
    }

    [Fact]
    public async Task ClearOfAKind_RemovesOnlyTheEntriesTheChangeTouches()
    {
        var cache = new LookupCache();
        using var scope = cache.Begin();
        await cache.GetAsync("audience", 1, () => Task.FromResult<IReadOnlyList<string>>(["a@x.test", "b@x.test"]));
        await cache.GetAsync("audience", 2, () => Task.FromResult<IReadOnlyList<string>>(["c@x.test"]));
        await cache.GetAsync("user", 1, () => Task.FromResult<IReadOnlyList<string>>(["a@x.test"]));

        cache.Clear<IReadOnlyList<string>>("audience", audience => audience.Contains("a@x.test"));

        Assert.Equal(["reloaded"], await cache.GetAsync("audience", 1, () => Task.FromResult<IReadOnlyList<string>>(["reloaded"])));
        Assert.Equal(["c@x.test"], await cache.GetAsync("audience", 2, () => Task.FromResult<IReadOnlyList<string>>(["reloaded"])));
        Assert.Equal(["a@x.test"], await cache.GetAsync("user", 1, () => Task.FromResult<IReadOnlyList<string>>(["reloaded"])));
    }

    [Fact]
    public async Task DataVersion_ChangesWithAnotherConnectionsCommitOnly()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        await database.WithAsync(async s =>
        {
            var db = s.GetRequiredService<GatewayDbContext>();
            var cache = s.GetRequiredService<LookupCache>();
            Assert.False(cache.Holds(db));
            await using var held = await cache.HoldAsync(db, CancellationToken.None);
            Assert.True(cache.Holds(db));
            var first = await InTransactionAsync(db);

            // This connection's own commit leaves the version as it is...
            db.Vendors.Add(new Vendor { Name = "Own write" });
            await db.SaveChangesAsync();
            Assert.Equal(first, await InTransactionAsync(db));

            // ...another connection's commit changes it.
            await world.SaveAsync(other => other.Vendors.Add(new Vendor { Name = "Other write" }));
            Assert.NotEqual(first, await InTransactionAsync(db));
            return 0;
        });

        static async Task<long> InTransactionAsync(GatewayDbContext db)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var version = await LookupCache.DataVersion(db, CancellationToken.None);
            await transaction.CommitAsync();
            return version;
        }
    }
}
