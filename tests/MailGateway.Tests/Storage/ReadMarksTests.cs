using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Reading;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Storage;

/// <summary>Unread markers on the provider the run uses (SQLite, or PostgreSQL with <c>CLP_TEST_PROVIDER=Postgres</c>).</summary>
public sealed class ReadMarksTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc);
    private TestDatabase _database = null!;
    private World _world = null!;
    private Channel _vendorFr = null!;
    private Channel _broadcast = null!;
    private User _pm = null!;
    private User _lea = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _pm = await _world.UserAsync(UserRole.Pm);
        _lea = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
        _broadcast = World.Channel(title, "broadcast");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task UnreadCounts_ReplyByMail_UnreadUntilTheChannelIsOpened()
    {
        var own = await PostAsync(_pm, _vendorFr, "Please check reel 2");
        Assert.Empty(await CountsAsync(_pm));

        await MailReplies.IngestAsync(_database, _lea, _vendorFr, "Reel 2 checked, two fixes");
        var reply = await _world.QueryAsync(db => db.Messages.AsNoTracking().Where(m => m.ChannelId == _vendorFr.Id && m.Origin == MessageOrigin.Email).SingleAsync());

        Assert.Equal(new Dictionary<int, int> { [_vendorFr.Id] = 1 }, await CountsAsync(_pm));
        Assert.True(reply.Id > own);

        await MarkSeenAsync(_pm, _vendorFr, reply.Id);

        Assert.Empty(await CountsAsync(_pm));
        Assert.Equal(reply.Id, await _world.QueryAsync(db => ReadMarks.LastSeenAsync(db, _pm.Id, _vendorFr.Id, CancellationToken.None)));
    }

    [Fact]
    public async Task UnreadCounts_OwnMessages_NeverCount()
    {
        await PostAsync(_lea, _vendorFr, "One");
        await PostAsync(_lea, _vendorFr, "Two");
        await PostAsync(_pm, _broadcast, "Locked cut");

        Assert.Equal(new Dictionary<int, int> { [_broadcast.Id] = 1 }, await CountsAsync(_lea));
        Assert.Equal(new Dictionary<int, int> { [_vendorFr.Id] = 2 }, await CountsAsync(_pm, _vendorFr));
    }

    [Fact]
    public async Task MarkSeen_OlderMark_NeverMovesTheMarkBack()
    {
        var first = await PostAsync(_lea, _vendorFr, "One");
        var second = await PostAsync(_lea, _vendorFr, "Two");

        await MarkSeenAsync(_pm, _vendorFr, second);
        await MarkSeenAsync(_pm, _vendorFr, first);

        Assert.Equal(second, await _world.QueryAsync(db => ReadMarks.LastSeenAsync(db, _pm.Id, _vendorFr.Id, CancellationToken.None)));
        Assert.Empty(await CountsAsync(_pm, _vendorFr));
    }

    [Fact]
    public async Task UnreadCounts_MessageStampedBeforeTheMark_StillUnread()
    {
        var seen = await PostAsync(_lea, _vendorFr, "Seen");
        await MarkSeenAsync(_pm, _vendorFr, seen);
        // A process whose clock is an hour behind stamps a later message with an earlier time.
        var late = await PostAsync(_lea, _vendorFr, "From a slow clock");
        await _world.SaveAsync(db => db.Messages.Where(m => m.Id == late).ToList().ForEach(m => m.CreatedAtUtc = Now.AddHours(-1)));

        Assert.Equal(new Dictionary<int, int> { [_vendorFr.Id] = 1 }, await CountsAsync(_pm, _vendorFr));
    }

    [Fact]
    public async Task MarkSeen_TwoAtOnce_OneRowAtTheHigherMark()
    {
        var first = await PostAsync(_lea, _vendorFr, "One");
        var second = await PostAsync(_lea, _vendorFr, "Two");

        await Task.WhenAll(MarkSeenAsync(_pm, _vendorFr, first), MarkSeenAsync(_pm, _vendorFr, second));

        Assert.Equal(second, await _world.QueryAsync(db => db.ChannelReadMarks.Where(m => m.UserId == _pm.Id).Select(m => m.LastSeenMessageId).SingleAsync()));
    }

    private Task<IReadOnlyDictionary<int, int>> CountsAsync(User user, params Channel[] channels) =>
        _world.QueryAsync(db => ReadMarks.UnreadCountsAsync(
            db, user.Id, (channels.Length == 0 ? [_vendorFr, _broadcast] : channels).Select(c => c.Id).ToList(), CancellationToken.None));

    private Task<int> MarkSeenAsync(User user, Channel channel, long messageId) =>
        _world.QueryAsync(async db =>
        {
            await ReadMarks.MarkSeenAsync(db, user.Id, channel.Id, messageId, Now, CancellationToken.None);
            return 0;
        });

    private async Task<long> PostAsync(User author, Channel channel, string text)
    {
        var posted = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, channel.Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(posted.Succeeded);
        return posted.Message!.Id;
    }
}
