using ClpMailGateway.Domain;
using ClpMailGateway.Following;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>Follows and mutes of titles and channels as the real fan-out honours them (posting, the lookup cache and the
/// outbox, on the provider of the run).</summary>
public sealed class FollowChoicesTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc);
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User _fr = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _world = new World(_database);
        _title = await _world.TitleAsync("fr", "de");
        var vendor = await _world.VendorAsync(_title, "fr");
        _pm = await _world.UserAsync(UserRole.Pm);
        _fr = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task FollowChannel_WithoutTheTitle_MailsThatChannelOnly()
    {
        Assert.Equal(0, await MailsAfterPostAsync("vendor-fr"));

        Assert.True(await ChannelAsync("vendor-fr", FollowChoice.Follow));

        Assert.Equal(1, await MailsAfterPostAsync("vendor-fr"));
        Assert.Equal(0, await MailsAfterPostAsync("broadcast"));
    }

    [Fact]
    public async Task FollowTitle_MailsEveryChannelTheUserMayRead()
    {
        Assert.True(await TitleAsync(FollowChoice.Follow));

        Assert.Equal(1, await MailsAfterPostAsync("vendor-fr"));
        Assert.Equal(1, await MailsAfterPostAsync("broadcast"));
        Assert.Equal(0, await MailsAfterPostAsync("vendor-de"));
    }

    [Fact]
    public async Task MuteTitle_OverridesTitleAndChannelFollowsUntilUnmuted()
    {
        await TitleAsync(FollowChoice.Follow);
        await ChannelAsync("vendor-fr", FollowChoice.Follow);

        Assert.True(await TitleAsync(FollowChoice.Mute));

        Assert.Equal(0, await MailsAfterPostAsync("vendor-fr"));
        Assert.Equal(0, await MailsAfterPostAsync("broadcast"));
        Assert.False((await StateAsync("vendor-fr")).GetsFollowerMail);

        Assert.True(await TitleAsync(FollowChoice.Unmute));

        Assert.Equal(1, await MailsAfterPostAsync("vendor-fr"));
        Assert.True((await StateAsync("vendor-fr")).GetsFollowerMail);
    }

    [Fact]
    public async Task MuteChannel_OverridesTheTitleFollowForThatChannelOnly()
    {
        await TitleAsync(FollowChoice.Follow);

        await ChannelAsync("broadcast", FollowChoice.Mute);

        Assert.Equal(0, await MailsAfterPostAsync("broadcast"));
        Assert.Equal(1, await MailsAfterPostAsync("vendor-fr"));
        Assert.Equal(new FollowState(true, false, false, true), await StateAsync("broadcast"));
    }

    [Fact]
    public async Task MuteTitle_MentionStillArrivesWhileMentionsAreOn()
    {
        await TitleAsync(FollowChoice.Follow);
        await TitleAsync(FollowChoice.Mute);

        Assert.Equal(1, await MailsAfterPostAsync("vendor-fr", "@" + _fr.Handle + " please check"));

        await _world.SaveAsync(db => db.UserSettings.Where(s => s.UserId == _fr.Id).ToList().ForEach(s => s.MentionsEnabled = false));

        Assert.Equal(0, await MailsAfterPostAsync("vendor-fr", "@" + _fr.Handle + " again"));
    }

    [Fact]
    public async Task Choices_Repeated_AreIdempotent()
    {
        Assert.True(await TitleAsync(FollowChoice.Follow));
        Assert.False(await TitleAsync(FollowChoice.Follow));
        Assert.True(await ChannelAsync("broadcast", FollowChoice.Mute));
        Assert.False(await ChannelAsync("broadcast", FollowChoice.Mute));
        Assert.True(await ChannelAsync("broadcast", FollowChoice.Unmute));
        Assert.False(await ChannelAsync("broadcast", FollowChoice.Unmute));
        Assert.True(await TitleAsync(FollowChoice.Unfollow));
        Assert.Equal(0, await _world.CountAsync<Follow>());
    }

    private Task<bool> TitleAsync(FollowChoice choice) =>
        _world.QueryAsync(db => FollowChoices.SetTitleAsync(db, _fr.Id, _title.Id, choice, Now, CancellationToken.None));

    private Task<bool> ChannelAsync(string key, FollowChoice choice) =>
        _world.QueryAsync(db => FollowChoices.SetChannelAsync(db, _fr.Id, World.Channel(_title, key).Id, choice, Now, CancellationToken.None));

    private Task<FollowState> StateAsync(string key) =>
        _world.QueryAsync(db => FollowChoices.StateAsync(db, _fr.Id, _title.Id, World.Channel(_title, key).Id, CancellationToken.None));

    /// <summary>How many notifications to the vendor user a post by the PM in the channel queues.</summary>
    private async Task<int> MailsAfterPostAsync(string key, string text = "Reel 2, please")
    {
        var address = _fr.Emails[0].Address;
        var before = await _world.QueryAsync(db => db.OutboundMails.CountAsync(m => m.ToAddress == address));
        var result = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(_pm.Id, World.Channel(_title, key).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        await _database.FanOutAsync();
        return await _world.QueryAsync(db => db.OutboundMails.CountAsync(m => m.ToAddress == address)) - before;
    }
}
