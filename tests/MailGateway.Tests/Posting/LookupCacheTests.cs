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
    public async Task LookupVersion_MovesWithWhatLookupsRead_NotWithMessagesMailsOrBounces()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        var title = await world.TitleAsync("fr");
        var vendor = await world.VendorAsync(title, "fr");
        var user = await world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        var channelId = await world.QueryAsync(db => db.Channels.Where(c => c.TitleId == title.Id).Select(c => c.Id).FirstAsync());
        var tokenId = 0L;

        // Writes that lookups do not read leave the version as it is, whichever connection makes them.
        var first = await VersionAsync();
        await world.SaveAsync(db => db.Messages.Add(new Message { ChannelId = channelId, AuthorId = user.Id, Text = "hello", CreatedAtUtc = DateTime.UtcNow }));
        await world.SaveAsync(db => db.OutboundMails.Add(new OutboundMail
        {
            Purpose = "test", ToAddress = "a@x.test", EnvelopeFrom = "b@x.test", Raw = [1], CreatedAtUtc = DateTime.UtcNow, NextAttemptAtUtc = DateTime.UtcNow,
        }));
        await world.SaveAsync(db => db.AddressHealth.Add(new AddressHealth { Address = "a@x.test", SuppressedAtUtc = DateTime.UtcNow }));
        await world.SaveAsync(db => db.ReplyTokens.Add(new ReplyToken { Id = tokenId = 42, UserId = user.Id, ChannelId = channelId, KeyId = "k1", CreatedAtUtc = DateTime.UtcNow }));
        Assert.Equal(first, await VersionAsync());

        // Each change to what they read moves it: a follow, a setting, a revoked token.
        await world.SaveAsync(db => db.Follows.Add(new Follow { UserId = user.Id, TitleId = title.Id }));
        var followed = await VersionAsync();
        Assert.NotEqual(first, followed);
        await world.QueryAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Name, "Renamed")));
        var renamed = await VersionAsync();
        Assert.NotEqual(followed, renamed);
        await world.QueryAsync(db => db.ReplyTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAtUtc, DateTime.UtcNow)));
        Assert.NotEqual(renamed, await VersionAsync());

        Task<long> VersionAsync() => world.QueryAsync(db => LookupCache.LookupVersion(db, CancellationToken.None));
    }
}
