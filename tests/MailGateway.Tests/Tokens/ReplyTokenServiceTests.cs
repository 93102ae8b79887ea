using ClpMailGateway.Domain;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Tokens;

public sealed class ReplyTokenServiceTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private User _user = null!;
    private Channel _channel = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var world = new World(_database);
        var title = await world.TitleAsync("fr");
        _user = await world.UserAsync(UserRole.Pm);
        _channel = World.Channel(title, "vendor-fr");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task<T> Tokens<T>(Func<ReplyTokenService, Task<T>> action) =>
        _database.WithAsync(s => action(s.GetRequiredService<ReplyTokenService>()));

    [Fact]
    public async Task Issue_SameUserAndChannel_ReusesTheToken()
    {
        var first = await Tokens(t => t.IssueAsync(_user.Id, _channel.Id, CancellationToken.None));
        var second = await Tokens(t => t.IssueAsync(_user.Id, _channel.Id, CancellationToken.None));

        Assert.Equal(first, second);
        Assert.Equal(1, await new World(_database).CountAsync<ReplyToken>());
    }

    [Fact]
    public async Task Verify_IssuedToken_NamesUserAndChannel()
    {
        var token = await Tokens(t => t.IssueAsync(_user.Id, _channel.Id, CancellationToken.None));

        var result = await Tokens(t => t.VerifyAsync(token.ToUpperInvariant(), CancellationToken.None));

        Assert.True(result.IsValid);
        Assert.Equal(_user.Id, result.UserId);
        Assert.Equal(_channel.Id, result.ChannelId);
    }

    [Fact]
    public async Task Verify_RevokedUser_IsRevoked_AndANewTokenIsIssuedAfterwards()
    {
        var token = await Tokens(t => t.IssueAsync(_user.Id, _channel.Id, CancellationToken.None));

        Assert.Equal(1, await Tokens(t => t.RevokeUserAsync(_user.Id, CancellationToken.None)));
        var result = await Tokens(t => t.VerifyAsync(token, CancellationToken.None));
        var fresh = await Tokens(t => t.IssueAsync(_user.Id, _channel.Id, CancellationToken.None));

        Assert.Equal(TokenProblem.Revoked, result.Problem);
        Assert.NotEqual(token, fresh);
        Assert.True((await Tokens(t => t.VerifyAsync(fresh, CancellationToken.None))).IsValid);
    }

    [Fact]
    public async Task Verify_KeyRotatedOut_IsUnknownKey()
    {
        // Issued under key t0; the gateway then runs with t1 only (t0 removed from the configuration).
        await using var before = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["ReplyTokens:CurrentKeyId"] = "t0",
            ["ReplyTokens:Keys:t0"] = "cm90YXRlZC1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLS0=",
        });
        var beforeWorld = new World(before);
        var user = await beforeWorld.UserAsync(UserRole.Pm);
        var channel = World.Channel(await beforeWorld.TitleAsync("fr"), "internal");
        var token = await before.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(user.Id, channel.Id, CancellationToken.None));

        var result = await Tokens(t => t.VerifyAsync(token, CancellationToken.None));

        Assert.StartsWith("t0_", token, StringComparison.Ordinal);
        Assert.Equal(TokenProblem.UnknownKey, result.Problem);
    }

    [Fact]
    public async Task Verify_WellFormedButNeverIssued_IsForged()
    {
        var token = "t1_" + Base32.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

        Assert.Equal(TokenProblem.Forged, (await Tokens(t => t.VerifyAsync(token, CancellationToken.None))).Problem);
        Assert.Equal(TokenProblem.Malformed, (await Tokens(t => t.VerifyAsync("hello", CancellationToken.None))).Problem);
    }
}
