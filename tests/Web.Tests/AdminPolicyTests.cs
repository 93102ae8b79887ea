using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

/// <summary>The <c>Admin</c> authorization policy on the operators' pages: decided from the database on every request,
/// so a flag taken away counts at once, and a refusal is the not-found page (the pages are not revealed).</summary>
public sealed class AdminPolicyTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private User _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _admin = await _app.World.UserAsync(UserRole.Pm);
        await SetAdminAsync(true);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Quarantine_AdminFlagTakenAwayAfterSignIn_IsNotFoundAtOnce()
    {
        using var client = await _app.SignedInAsync(_admin);
        var before = await client.GetAsync(new Uri("/quarantine", UriKind.Relative));
        var nav = await before.Content.ReadAsStringAsync();

        await SetAdminAsync(false);
        var after = await client.GetAsync(new Uri("/quarantine", UriKind.Relative));
        var page = await after.Content.ReadAsStringAsync();
        var titles = await client.GetStringAsync(new Uri("/titles", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Contains("href=\"/quarantine\"", nav, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Contains("There is nothing here, or it is not shared with you.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection checks", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/quarantine\"", titles, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/quarantine/checks")]
    [InlineData("/quarantine/1/replay")]
    [InlineData("/quarantine/1/post")]
    [InlineData("/quarantine/notifications/1/retry")]
    public async Task QuarantinePost_NotAdmin_IsNotFoundAndDoesNothing(string action)
    {
        await SetAdminAsync(false);
        using var client = await _app.SignedInAsync(_admin);

        var response = await WebApp.PostFormAsync(client, "/settings", action, new() { ["to"] = "x@clp.test", ["channel"] = "broadcast" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("data-check", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_AdminAndNot_OnlyTheAdminSeesWhatIsInside()
    {
        using var admin = await _app.SignedInAsync(_admin);
        var inside = await admin.GetStringAsync(new Uri("/health", UriKind.Relative));
        await SetAdminAsync(false);
        var outside = await admin.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Contains("\"messages\"", inside, StringComparison.Ordinal);
        Assert.DoesNotContain("\"messages\"", outside, StringComparison.Ordinal);
    }

    private Task SetAdminAsync(bool isAdmin) =>
        _app.World.SaveAsync(db => db.Users.Where(u => u.Id == _admin.Id).ToList().ForEach(u => u.IsAdmin = isAdmin));
}
