using System.Net;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

/// <summary>Role x channel kind x page/search/download/post, decided on the server by the policy: what may not be read
/// is refused (403 when the title is shared with the user, else 404) and nothing of it shows in any answer.</summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Scene _scene = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _scene = await Scene.CreateAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    // Expected statuses per channel: page, search, download, post. R = read and post; O = read only; D = denied with a
    // reason (title shared); N = not found (title not shared).
    [Theory]
    [InlineData("pm", "R", "R", "R", "R")]
    [InlineData("cpc-internal-off", "D", "R", "R", "R")]
    [InlineData("vendor-fr", "D", "O", "R", "D")]
    [InlineData("vendor-fr-not-enabled", "D", "O", "D", "D")]
    [InlineData("stranger", "N", "N", "N", "N")]
    public async Task Matrix_RoleAcrossChannels_AllowsExactlyWhatThePolicyAllows(string role, string @internal, string broadcast, string vendorFr, string vendorDe)
    {
        using var client = await _app.SignedInAsync(_scene.Role(role));
        var expected = new Dictionary<string, string> { ["internal"] = @internal, ["broadcast"] = broadcast, ["vendor-fr"] = vendorFr, ["vendor-de"] = vendorDe };
        var problems = new List<string>();

        foreach (var (key, access) in expected)
        {
            var word = Scene.Words[key];
            var readable = access is "R" or "O";
            var refused = access == "D" ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

            var page = await client.GetAsync(new Uri(_scene.ChannelPath(key), UriKind.Relative));
            var pageBody = await page.Content.ReadAsStringAsync();
            Check(problems, $"{key} page", readable ? HttpStatusCode.OK : refused, page.StatusCode, pageBody, word, readable);
            if (readable)
            {
                Check(problems, $"{key} post box", access == "R", pageBody.Contains("name=\"text\"", StringComparison.Ordinal));
            }

            var search = await client.GetAsync(new Uri($"{_scene.ChannelPath(key)}/search?q={word}", UriKind.Relative));
            var searchBody = await search.Content.ReadAsStringAsync();
            Check(problems, $"{key} search", readable ? HttpStatusCode.OK : refused, search.StatusCode, searchBody, word, readable);
            if (readable)
            {
                Check(problems, $"{key} search highlight", true, searchBody.Contains($"<mark>{word}</mark>", StringComparison.Ordinal));
            }

            var download = await client.GetAsync(new Uri($"/attachments/{_scene.AttachmentIds[key]}", UriKind.Relative));
            var downloadBody = await download.Content.ReadAsStringAsync();
            // A file answers as its conversation does: 403 on a title the user shares, not found otherwise.
            Check(problems, $"{key} download", readable ? HttpStatusCode.OK : refused, download.StatusCode, downloadBody, word, readable);

            var before = await _app.World.CountAsync<Domain.Message>();
            var post = await WebApp.PostMultipartAsync(client, "/settings", $"{_scene.ChannelPath(key)}/messages", $"reply by {role}");
            var postBody = await post.Content.ReadAsStringAsync();
            var expectedPost = access switch
            {
                "R" => HttpStatusCode.Redirect,
                "N" => HttpStatusCode.NotFound,
                _ => HttpStatusCode.Forbidden,
            };
            Check(problems, $"{key} post", expectedPost, post.StatusCode, postBody, word, readable);
            Check(problems, $"{key} post saved", access == "R", await _app.World.CountAsync<Domain.Message>() == before + 1);
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Matrix_Anonymous_IsSentToSignInEverywhere()
    {
        using var client = _app.Client();
        var paths = new List<string> { "/titles", $"/titles/{_scene.Title.Slug}", "/settings", "/quarantine" };
        foreach (var key in Scene.Words.Keys)
        {
            paths.Add(_scene.ChannelPath(key));
            paths.Add($"{_scene.ChannelPath(key)}/search?q={Scene.Words[key]}");
            paths.Add($"/attachments/{_scene.AttachmentIds[key]}");
        }

        foreach (var path in paths)
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/signin", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }

        using var form = new MultipartFormDataContent { { new StringContent("anonymous post"), "text" } };
        var before = await _app.World.CountAsync<Domain.Message>();
        var post = await client.PostAsync(new Uri($"{_scene.ChannelPath("broadcast")}/messages", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal(before, await _app.World.CountAsync<Domain.Message>());
    }

    [Fact]
    public async Task Titles_Vendor_ListsOnlyTitlesAndChannelsSharedWithThem()
    {
        using var client = await _app.SignedInAsync(_scene.VendorFr);

        var titles = await client.GetStringAsync(new Uri("/titles", UriKind.Relative));
        var title = await client.GetStringAsync(new Uri($"/titles/{_scene.Title.Slug}", UriKind.Relative));

        Assert.Contains(_scene.Title.Name, titles, StringComparison.Ordinal);
        Assert.Contains("Vendor · French (fr)", title, StringComparison.Ordinal);
        Assert.Contains("Broadcast", title, StringComparison.Ordinal);
        Assert.DoesNotContain("Internal", title, StringComparison.Ordinal);
        Assert.DoesNotContain("German", title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Title_Stranger_GetsNotFound()
    {
        using var client = await _app.SignedInAsync(_scene.Stranger);

        var response = await client.GetAsync(new Uri($"/titles/{_scene.Title.Slug}", UriKind.Relative));
        var titles = await client.GetStringAsync(new Uri("/titles", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(_scene.Title.Name, titles, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conversation_UserDeactivatedAfterSignIn_IsSignedOutAtOnce()
    {
        using var client = await _app.SignedInAsync(_scene.Pm);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == _scene.Pm.Id).ToList().ForEach(u => u.IsActive = false));

        var response = await client.GetAsync(new Uri(_scene.ChannelPath("broadcast"), UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        // The session check on every request finds no active user behind the cookie and ends the session.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/signin?ReturnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(Scene.Words["broadcast"], body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("pm")]
    [InlineData("vendor-fr")]
    [InlineData("admin")]
    public async Task AdminRoutes_OnlyAdminsGetThem(string who)
    {
        var admin = await _app.World.UserAsync(Domain.UserRole.Cpc);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        using var client = who switch
        {
            "anonymous" => _app.Client(),
            "admin" => await _app.SignedInAsync(admin),
            _ => await _app.SignedInAsync(_scene.Role(who)),
        };
        var id = System.Globalization.CultureInfo.InvariantCulture;
        var gets = new[]
        {
            "/admin/titles", $"/admin/titles/{_scene.Title.Id.ToString(id)}", "/admin/vendors", "/admin/users", $"/admin/users/{_scene.VendorFr.Id.ToString(id)}",
            "/admin/api-keys", "/admin/audit", "/admin/audit?entity=title&page=2",
        };
        var problems = new List<string>();
        foreach (var path in gets)
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var expected = who switch { "anonymous" => HttpStatusCode.Redirect, "admin" => HttpStatusCode.OK, _ => HttpStatusCode.NotFound };
            if (response.StatusCode != expected || (who == "anonymous" && !response.Headers.Location!.ToString().Contains("/signin", StringComparison.Ordinal)))
            {
                problems.Add($"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}");
            }
        }

        if (who is "pm" or "vendor-fr")
        {
            // A form a non-admin posts with a valid token changes nothing.
            var response = await WebApp.PostFormAsync(client, "/settings", $"/admin/titles/{_scene.Title.Id.ToString(id)}/archive", new() { ["archived"] = "true" });
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                problems.Add($"POST archive: expected 404, got {(int)response.StatusCode}");
            }

            Assert.False(await _app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Titles, t => t.ArchivedAtUtc != null)));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Check(List<string> problems, string what, HttpStatusCode expected, HttpStatusCode actual, string body, string word, bool readable)
    {
        if (expected != actual)
        {
            problems.Add($"{what}: expected {(int)expected}, got {(int)actual}");
        }

        if (!readable && body.Contains(word, StringComparison.Ordinal))
        {
            problems.Add($"{what}: the refused answer shows '{word}'");
        }
    }

    private static void Check(List<string> problems, string what, bool expected, bool actual)
    {
        if (expected != actual)
        {
            problems.Add($"{what}: expected {expected}, got {actual}");
        }
    }
}
