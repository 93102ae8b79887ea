using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests;

public sealed class ApiTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync(demoMode: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<ApiKeyService.CreatedKey> KeyAsync(params string[] scopes)
    {
        await using var scope = _app.Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("test " + string.Join('+', scopes), scopes, Actor.ForCommandLine(), CancellationToken.None);
    }

    private HttpClient Client(string? bearer)
    {
        var client = _app.Client();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Big()
    {
        var titles = Enumerable.Range(0, 20).Select(t => new { externalId = $"t-{t}", slug = $"title-{t}", name = $"Title {t}", languages = new[] { "fr", "de", "es" } });
        var vendors = Enumerable.Range(0, 10).Select(v => new { externalId = $"v-{v}", name = $"Vendor {v}" });
        var users = Enumerable.Range(0, 1000).Select(u => u % 10 == 0
            ? (object)new { externalId = $"p-{u}", name = $"Staff {u}", emails = new[] { $"staff{u}@example.test" }, role = "cpc" }
            : new { externalId = $"p-{u}", name = $"Linguist {u}", emails = new[] { $"ling{u}@example.test" }, role = "vendor", vendor = $"v-{u % 10}", languages = new[] { "fr" } });
        var assignments = Enumerable.Range(0, 200).Select(a => new { vendor = $"v-{a % 10}", title = $"t-{a / 10}", languages = new[] { "fr", "es" }, primary = "es" });
        return JsonSerializer.Serialize(new { titles, vendors, users, assignments });
    }

    [Fact]
    public async Task Import_ThousandPeopleTwoHundredAssignments_RepeatedChangesNothing()
    {
        var key = await KeyAsync(ApiScopes.Sync);
        var client = Client(key.Text);
        var body = Big();

        var first = await client.PostAsync("/api/v1/import", Json(body));
        var firstResult = await first.Content.ReadFromJsonAsync<JsonObject>();
        var audited = await _app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Entity != "api_key"));
        var second = await client.PostAsync("/api/v1/import", Json(body));
        var secondResult = await second.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(20 + 10 + 1000 + 200, firstResult!["changes"]!.AsArray().Count);
        Assert.Equal(20 + 10 + 1000 + 200, audited);
        Assert.Equal(1000, await _app.QueryAsync(db => db.Users.CountAsync(u => u.ExternalId != null)));
        Assert.Equal(400, await _app.QueryAsync(db => db.VendorAssignments.CountAsync()));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Empty(secondResult!["changes"]!.AsArray());
        Assert.Equal(audited, await _app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Entity != "api_key")));
        Assert.All(await _app.QueryAsync(db => db.AuditEntries.Where(a => a.Entity != "api_key").Take(5).ToListAsync()), a => Assert.Equal(("api_key", key.Key.Id), (a.ActorKind, a.ActorId!.Value)));
    }

    [Fact]
    public async Task Import_OneBadRow_RejectsTheWholeRequestNamingItsLine()
    {
        var key = await KeyAsync(ApiScopes.Sync);
        var body = """
            {
              "titles": [
                { "externalId": "t-1", "slug": "night-shift", "name": "Night Shift", "languages": ["fr"] }
              ],
              "users": [
                { "externalId": "p-1", "name": "Anna", "emails": ["anna@example.test"], "role": "pm" },
                { "externalId": "p-2", "name": "Bad", "emails": ["anna@example.test"], "role": "pm" },
                { "externalId": "p-3", "name": "Ben", "emails": ["ben@example.test"], "role": "pm" }
              ]
            }
            """;

        var response = await Client(key.Text).PostAsync("/api/v1/import", Json(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var error = Assert.Single(problem!["errors"]!.AsArray())!;
        Assert.Equal(("users", 1, 7, "emails"), ((string)error["section"]!, (int)error["index"]!, (int)error["line"]!, (string)error["field"]!));
        Assert.Contains("belongs to another user", (string)error["reason"]!, StringComparison.Ordinal);
        Assert.Equal(0, await _app.QueryAsync(db => db.Titles.CountAsync()));
        Assert.Equal(0, await _app.QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Import_MalformedJson_RefusedWithItsLine()
    {
        var key = await KeyAsync(ApiScopes.Sync);

        var response = await Client(key.Text).PostAsync("/api/v1/import", Json("{\n  \"titles\": [\n    { \"externalId\": \"t-1\", }\n  ]\n}"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!;
        Assert.Equal(3, (int)error["line"]!);
    }

    [Fact]
    public async Task Import_UnknownField_Refused()
    {
        var key = await KeyAsync(ApiScopes.Sync);

        var response = await Client(key.Text).PostAsync("/api/v1/import", Json("""{ "titles": [ { "externalId": "t-1", "slugg": "x", "name": "X" } ] }"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Import_DryRun_ReportsChangesAndWritesNothing()
    {
        var key = await KeyAsync(ApiScopes.Sync);

        var response = await Client(key.Text).PostAsync(
            "/api/v1/import?dryRun=true", Json("""{ "vendors": [ { "externalId": "v-1", "name": "Lumen" } ] }"""));

        var result = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)result!["dryRun"]!);
        Assert.Equal("create", (string)result["changes"]![0]!["action"]!);
        Assert.Equal("Lumen", (string)result["changes"]![0]!["after"]!["name"]!);
        Assert.Equal(0, await _app.QueryAsync(db => db.Vendors.CountAsync()));
    }

    [Fact]
    public async Task RevokedKey_IsRefused()
    {
        var key = await KeyAsync(ApiScopes.Sync, ApiScopes.Admin);
        var client = Client(key.Text);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen" }"""))).StatusCode);
        await using (var scope = _app.Database.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.Key.Id, Actor.ForCommandLine(), CancellationToken.None);
        }

        var response = await client.PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen Subtitles" }"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Lumen", await _app.QueryAsync(db => db.Vendors.Select(v => v.Name).SingleAsync()));
    }

    [Fact]
    public async Task SyncKey_CannotChangeRoles_AdminKeyCan()
    {
        var sync = Client((await KeyAsync(ApiScopes.Sync)).Text);
        var admin = Client((await KeyAsync(ApiScopes.Sync, ApiScopes.Admin)).Text);
        Assert.Equal(HttpStatusCode.OK, (await sync.PutAsync("/api/v1/users/p-1", Json("""{ "name": "Anna", "emails": ["anna@example.test"], "role": "pm" }"""))).StatusCode);

        var promoted = await sync.PutAsync("/api/v1/users/p-1", Json("""{ "admin": true }"""));
        var demoted = await sync.PutAsync("/api/v1/users/p-1", Json("""{ "role": "cpc" }"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, promoted.StatusCode);
        Assert.Equal("admin", (string)(await promoted.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["field"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, demoted.StatusCode);
        var unchanged = await _app.QueryAsync(db => db.Users.SingleAsync());
        Assert.Equal((UserRole.Pm, false), (unchanged.Role, unchanged.IsAdmin));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/users/p-1", Json("""{ "role": "cpc", "admin": true }"""))).StatusCode);
        Assert.True(await _app.QueryAsync(db => db.Users.AnyAsync(u => u.Role == UserRole.Cpc && u.IsAdmin)));
    }

    [Fact]
    public async Task LastActiveAdmin_DemotedOrDeactivatedByApi_Is422NamingTheFieldAndNothingChanged()
    {
        var admin = Client((await KeyAsync(ApiScopes.Sync, ApiScopes.Admin)).Text);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/users/p-1", Json("""{ "name": "Anna", "emails": ["anna@example.test"], "role": "pm", "admin": true }"""))).StatusCode);

        var demoted = await admin.PutAsync("/api/v1/users/p-1", Json("""{ "admin": false }"""));
        var deactivated = await admin.PostAsync("/api/v1/import", Json("""
            {
              "vendors": [ { "externalId": "v-1", "name": "Lumen" } ],
              "users": [ { "externalId": "p-1", "active": false } ]
            }
            """));
        var handedOn = await admin.PostAsync("/api/v1/import", Json("""
            {
              "users": [
                { "externalId": "p-1", "admin": false },
                { "externalId": "p-2", "name": "Ben", "emails": ["ben@example.test"], "role": "cpc", "admin": true }
              ]
            }
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, demoted.StatusCode);
        Assert.Equal("admin", (string)(await demoted.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["field"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, deactivated.StatusCode);
        var error = Assert.Single((await deactivated.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal(("users", 0, 3, "active"), ((string)error["section"]!, (int)error["index"]!, (int)error["line"]!, (string)error["field"]!));
        Assert.Contains("last active admin", (string)error["reason"]!, StringComparison.Ordinal);
        Assert.Equal(0, await _app.QueryAsync(db => db.Vendors.CountAsync()));
        Assert.Equal(HttpStatusCode.OK, handedOn.StatusCode);
        Assert.Equal(["p-2"], await _app.QueryAsync(db => db.Users.Where(u => u.IsAdmin && u.IsActive).Select(u => u.ExternalId!).ToListAsync()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("clp_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task MissingMalformedOrUnknownBearer_Is401(string? bearer)
    {
        await KeyAsync(ApiScopes.Sync);

        var response = await Client(bearer).PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen" }"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await _app.QueryAsync(db => db.Vendors.CountAsync()));
    }

    [Fact]
    public async Task AnotherKeysPrefixWithThisSecret_Is401()
    {
        var mine = await KeyAsync(ApiScopes.Sync);
        var theirs = await KeyAsync(ApiScopes.Sync, ApiScopes.Admin);
        var spliced = theirs.Text[..13] + mine.Text[13..];

        var response = await Client(spliced).PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen" }"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignedInAdminsCookie_IsNotAcceptedOnTheApi()
    {
        await using var app = await WebApp.StartAsync(demoMode: true);
        var pm = await app.World.UserAsync(UserRole.Pm);
        await app.World.SaveAsync(db => db.Users.Where(u => u.Id == pm.Id).ExecuteUpdate(s => s.SetProperty(u => u.IsAdmin, true)));
        var browser = await app.SignedInAsync(pm);

        var response = await browser.PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen" }"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task HugeBody_Is413AndNothingRead()
    {
        var key = await KeyAsync(ApiScopes.Sync);
        var huge = "{\"vendors\":[" + string.Join(',', Enumerable.Repeat("{\"externalId\":\"v\",\"name\":\"" + new string('x', 180) + "\"}", 50_000)) + "]}";

        var response = await Client(key.Text).PostAsync("/api/v1/import", Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ManyRequests_OneKey_Are429()
    {
        await using var app = await WebApp.StartAsync(demoMode: false, settings: new Dictionary<string, string?> { ["Web:ApiRequestsPerMinute"] = "3" });
        await using var scope = app.Database.Scope();
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("busy", [ApiScopes.Sync], Actor.ForCommandLine(), CancellationToken.None);
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Text);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PutAsync("/api/v1/vendors/v-1", Json("""{ "name": "Lumen" }"""))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAndDescribesTheImport()
    {
        var response = await _app.Client().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonObject>();
        var paths = document!["paths"]!.AsObject();
        Assert.Contains("/api/v1/import", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/users/{externalId}", paths.Select(p => p.Key));
        Assert.Contains("422", paths["/api/v1/import"]!["post"]!["responses"]!.AsObject().Select(r => r.Key));
        Assert.All(paths.Select(p => p.Key), path => Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_ExternalIdInBodyDiffersFromAddress_Refused()
    {
        var key = await KeyAsync(ApiScopes.Sync);

        var response = await Client(key.Text).PutAsync("/api/v1/titles/t-1", Json("""{ "externalId": "t-2", "slug": "x", "name": "X" }"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, await _app.QueryAsync(db => db.Titles.CountAsync()));
    }
}
