using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>The notification stage on real SQLite: a post only marks itself pending; the fan-out queues its mails and
/// digest items exactly once, keeps a message that fails with its error, and runs beside a poll.</summary>
public sealed class NotificationFanoutTests : IAsyncLifetime
{
    private readonly ReplyTokenOptions _tokens = new() { CurrentKeyId = "t1", Keys = { ["t1"] = TestDatabase.TestTokenKey } };
    private readonly RecordingLogger<NotificationFanout> _log = new();
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User[] _followers = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(configure: s => s
            .AddSingleton<IOptions<ReplyTokenOptions>>(Options.Create(_tokens))
            .AddSingleton<ILogger<NotificationFanout>>(_log));
        _world = new World(_database);
        _title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(_title, "fr");
        _pm = await _world.UserAsync(UserRole.Pm);
        _followers = [await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]), await _world.UserAsync(UserRole.Cpc)];
        await _world.SaveAsync(db => db.Follows.AddRange(_followers.Select(u => new Follow { UserId = u.Id, TitleId = _title.Id })));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Post_QueuesNothingItself_FanOutQueuesItsMailsOnce()
    {
        var message = await PostAsync(_pm, "broadcast", "reel 2 is in");

        Assert.Equal(0, await _world.CountAsync<OutboundMail>());
        Assert.Equal([message.Id], await PendingAsync());

        Assert.Equal(1, await _database.FanOutAsync());
        var mails = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().Select(m => m.ToAddress).OrderBy(a => a).ToListAsync());
        Assert.Equal(_followers.Select(f => f.Emails[0].Address).Order(StringComparer.Ordinal), mails);
        Assert.Empty(await PendingAsync());

        Assert.Equal(0, await _database.FanOutAsync());
        Assert.Equal(2, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task TwoRunsAtOnce_EachMessageIsFannedOutByOneOfThem()
    {
        for (var i = 0; i < 30; i++)
        {
            await PostAsync(_pm, "broadcast", $"note {i}");
        }

        var runs = await Task.WhenAll(_database.FanOutAsync(), _database.FanOutAsync());

        Assert.Equal(30, runs.Sum());
        var perMessage = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().Select(m => m.ToAddress).ToListAsync());
        Assert.Equal(60, perMessage.Count);
        Assert.Empty(await PendingAsync());
        Assert.All(perMessage.CountBy(a => a), c => Assert.Equal(30, c.Value));
    }

    [Fact]
    public async Task RenderingFails_MessageStaysPendingWithItsError_OthersGoOn_NextRunAfterTheFixQueuesIt()
    {
        var failing = await PostAsync(_pm, "broadcast", "needs a reply token");
        // Only its author follows nothing here: no recipient, no token needed, so it goes through.
        var quiet = await PostAsync(_followers[0], "vendor-fr", "nobody else reads this");
        await _world.SaveAsync(db => db.Follows.RemoveRange(db.Follows.Where(f => f.UserId == _followers[1].Id)));
        _tokens.CurrentKeyId = "gone";

        Assert.Equal(1, await _database.FanOutAsync());

        var pending = await _world.QueryAsync(db => db.PendingFanouts.AsNoTracking().SingleAsync());
        Assert.Equal(failing.Id, pending.MessageId);
        Assert.Equal(1, pending.Attempts);
        Assert.Contains("'gone' has no usable key", pending.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(quiet.Id, await PendingAsync());
        Assert.Equal(0, await _world.CountAsync<OutboundMail>());

        _tokens.CurrentKeyId = "t1";
        Assert.Equal(1, await _database.FanOutAsync());
        Assert.Empty(await PendingAsync());
        Assert.Equal(1, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task MessageFailingEveryTime_IsLeftAfterMaxAttempts()
    {
        await PostAsync(_pm, "broadcast", "never renders");
        _tokens.CurrentKeyId = "gone";

        for (var i = 0; i < NotificationFanout.MaxAttempts + 2; i++)
        {
            Assert.Equal(0, await _database.FanOutAsync());
        }

        var pending = await _world.QueryAsync(db => db.PendingFanouts.AsNoTracking().SingleAsync());
        Assert.Equal(NotificationFanout.MaxAttempts, pending.Attempts);
        // Given up loudly, once: an operator is told what was not sent and how to send it.
        var critical = Assert.Single(_log.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains($"notifications retry {pending.MessageId}", critical.Message, StringComparison.Ordinal);
        Assert.Contains("'gone' has no usable key", critical.Message, StringComparison.Ordinal);
        Assert.Equal(NotificationFanout.MaxAttempts, _log.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Fact]
    public async Task Retry_GivenUpMessage_AfterTheFix_QueuesItsMailsOnce()
    {
        var message = await GivenUpAsync("stuck until the key is back");

        _tokens.CurrentKeyId = "t1";
        Assert.Equal(0, await _database.FanOutAsync()); // given up: the runs leave it alone

        Assert.True(await RetryAsync(message.Id));

        Assert.Empty(await PendingAsync());
        Assert.Equal(2, await _world.CountAsync<OutboundMail>());
        Assert.False(await RetryAsync(message.Id));
        Assert.Equal(2, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task Retry_StillFailing_CountsAsTheFirstNewAttempt()
    {
        var message = await GivenUpAsync("the key is still gone");

        Assert.True(await RetryAsync(message.Id));

        var pending = await _world.QueryAsync(db => db.PendingFanouts.AsNoTracking().SingleAsync());
        Assert.Equal(1, pending.Attempts);
        Assert.Equal(0, await _database.FanOutAsync()); // no longer given up: the next run tries it again (attempt 2)
        Assert.Equal(2, (await _world.QueryAsync(db => db.PendingFanouts.AsNoTracking().SingleAsync())).Attempts);
        Assert.Equal(0, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task MessageDeleted_TakesItsPendingFanOutWithIt()
    {
        var message = await PostAsync(_pm, "broadcast", "posted by mistake");

        await _world.SaveAsync(db => db.Messages.Remove(db.Messages.Single(m => m.Id == message.Id)));

        Assert.Empty(await PendingAsync());
        Assert.Equal(0, await _database.FanOutAsync());
    }

    [Fact]
    public async Task Alongside_EverythingTheWorkPostedIsQueuedWhenItReturns()
    {
        var posted = await _database.WithAsync(s => s.GetRequiredService<FanoutWorker>().AlongsideAsync(
            async token =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await PostAsync(_pm, "broadcast", $"while polling {i}");
                }

                return 5;
            },
            CancellationToken.None));

        Assert.Equal(5, posted);
        Assert.Empty(await PendingAsync());
        Assert.Equal(10, await _world.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task Alongside_WorkFails_ItsErrorSurfacesAndWhatItPostedIsStillQueued()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => _database.WithAsync(s => s.GetRequiredService<FanoutWorker>().AlongsideAsync<int>(
            async token =>
            {
                await PostAsync(_pm, "broadcast", "posted before the failure");
                throw new InvalidOperationException("the IMAP server went away");
            },
            CancellationToken.None)));

        Assert.Equal("the IMAP server went away", failure.Message);
        Assert.Empty(await PendingAsync());
        Assert.Equal(2, await _world.CountAsync<OutboundMail>());
    }

    /// <summary>A broadcast whose every fan-out failed (its signing key gone) until it was given up; the key stays gone.</summary>
    private async Task<Message> GivenUpAsync(string text)
    {
        var message = await PostAsync(_pm, "broadcast", text);
        _tokens.CurrentKeyId = "gone";
        for (var i = 0; i < NotificationFanout.MaxAttempts; i++)
        {
            await _database.FanOutAsync();
        }

        return message;
    }

    private Task<bool> RetryAsync(long messageId) =>
        _database.WithAsync(s => s.GetRequiredService<NotificationFanout>().RetryAsync(messageId, CancellationToken.None));

    private Task<List<long>> PendingAsync() =>
        _world.QueryAsync(db => db.PendingFanouts.AsNoTracking().OrderBy(f => f.MessageId).Select(f => f.MessageId).ToListAsync());

    private async Task<Message> PostAsync(User author, string channelKey, string text)
    {
        var result = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, channelKey).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Message!;
    }
}

/// <summary>Keeps what is logged, to assert on it.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
