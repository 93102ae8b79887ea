using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests;

/// <summary>The web as an attacker meets it: behind a proxy, flooding, without tokens, with large bodies.</summary>
[Trait("Database", "Indifferent")]
public sealed class SecurityTests : RemoteClientTests
{
    [Fact]
    public async Task BehindATrustedTlsProxy_CookiesAreSecureAndHstsIsSent()
    {
        var app = await StartAsync("10.0.0.5", new Dictionary<string, string?> { ["Web:KnownProxies:0"] = "10.0.0.5" });
        using var client = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        var response = await client.SendAsync(request);

        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ForwardedHeadersFromAnyoneElse_AreNotBelieved()
    {
        var app = await StartAsync("198.51.100.9", new Dictionary<string, string?> { ["Web:KnownProxies:0"] = "10.0.0.5" });
        using var client = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request);

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SignIn_OneClientAskingManyTimes_IsLimited()
    {
        var app = await StartAsync("203.0.113.7");
        var users = new List<User>();
        for (var i = 0; i < 3; i++)
        {
            users.Add(await app.World.UserAsync(UserRole.Pm));
        }

        using var client = app.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await WebApp.PostFormAsync(client, "/signin", "/signin", new() { ["email"] = users[i % 3].Emails[0].Address })).StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await app.SignInRequestsHandledAsync(10);
        Assert.Equal(10, await app.World.CountAsync<OutboundMail>());
    }

    [Fact]
    public async Task SearchAndPosting_PerUser_AreLimited()
    {
        var app = await StartAsync("203.0.113.7", new Dictionary<string, string?> { ["Web:SearchesPerMinute"] = "3", ["Web:PostsPerMinute"] = "2" });
        var title = await app.World.TitleAsync("fr");
        var pm = await app.World.UserAsync(UserRole.Pm);
        using var client = await app.SignedInAsync(pm);
        var channel = $"/titles/{title.Slug}/broadcast";

        var searches = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            searches.Add((await client.GetAsync(new Uri($"{channel}/search?q=cut", UriKind.Relative))).StatusCode);
        }

        var posts = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add((await WebApp.PostMultipartAsync(client, channel, $"{channel}/messages", $"post {i}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], searches);
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], posts);
        Assert.Equal(2, await app.World.CountAsync<Message>());
    }

    [Fact]
    public async Task EverySignedInPost_WithoutTheAntiforgeryToken_IsRefused()
    {
        var app = await StartAsync("203.0.113.7");
        var admin = await app.World.UserAsync(UserRole.Pm);
        await app.World.SaveAsync(db => db.Users.Where(u => u.Id == admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        using var client = await app.SignedInAsync(admin);
        var posts = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText!)
            // The capability links (RFC 8058 one-click, and its undo) and sign-in's own forms before a session exists are
            // not session actions.
            // The API takes no cookie at all (bearer keys only: ApiTests), so it has no antiforgery token to miss.
            .Where(p => !p.StartsWith("/unsubscribe/", StringComparison.Ordinal) && !p.StartsWith("/signin", StringComparison.Ordinal)
                && !p.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        Assert.Contains("/quarantine/notifications/{messageId:long}/retry", posts);
        Assert.Contains("/admin/titles", posts);
        Assert.Contains("/admin/titles/{id:int}/assignments", posts);
        Assert.Contains("/admin/users/{id:int}", posts);
        Assert.Contains("/admin/api-keys/{id:int}/revoke", posts);

        foreach (var pattern in posts)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "1");
            // Multipart, which every form endpoint reads (the upload reads only that), so only the token can be missing.
            using var form = new MultipartFormDataContent { { new StringContent("yes"), "confirm" } };
            var response = await client.PostAsync(new Uri(path, UriKind.Relative), form);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without an antiforgery token answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Health_Anonymous_SaysOnlyThatItAnswers()
    {
        var app = await StartAsync("203.0.113.7");
        using var client = app.Client();

        var body = await client.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal("{\"status\":\"ok\"}", body);
    }

    [Fact]
    public async Task Health_Admin_ReportsMigrationsAndMessages()
    {
        var app = await StartAsync("203.0.113.7");
        var admin = await app.World.UserAsync(UserRole.Pm);
        await app.World.SaveAsync(db => db.Users.Where(u => u.Id == admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        var messages = await app.World.CountAsync<Message>();
        using var client = await app.SignedInAsync(admin);

        var body = await client.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal($"{{\"status\":\"ok\",\"pendingMigrations\":0,\"messages\":{messages}}}", body);
    }
}
