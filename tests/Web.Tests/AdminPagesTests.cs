using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

public sealed partial class AdminPagesTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private User _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _admin = await _app.World.UserAsync(UserRole.Pm);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == _admin.Id).ExecuteUpdate(s => s.SetProperty(u => u.IsAdmin, true)));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex("<code id=\"new-key\">([^<]+)</code>")]
    private static partial Regex NewKey();

    [Fact]
    public async Task Admin_CreatesTitleVendorAssignment_AllAuditedAsThem()
    {
        using var client = await _app.SignedInAsync(_admin);

        var title = await WebApp.PostFormAsync(client, "/admin/titles", "/admin/titles", new() { ["name"] = "Night Shift", ["slug"] = "night-shift", ["languages"] = "fr, de es" });
        var vendor = await WebApp.PostFormAsync(client, "/admin/vendors", "/admin/vendors", new() { ["name"] = "Lumen Subtitles" });
        var titleId = await _app.QueryAsync(db => db.Titles.Where(t => t.Slug == "night-shift").Select(t => t.Id).SingleAsync());
        var vendorId = await _app.QueryAsync(db => db.Vendors.Select(v => v.Id).SingleAsync());
        var titlePath = $"/admin/titles/{titleId.ToString(CultureInfo.InvariantCulture)}";
        var assigned = await WebApp.PostFormAsync(client, titlePath, titlePath + "/assignments",
            new() { ["vendorId"] = vendorId.ToString(CultureInfo.InvariantCulture), ["languages"] = "fr de", ["primary"] = "de" });
        var page = await client.GetStringAsync(new Uri(titlePath, UriKind.Relative));
        var audit = await client.GetStringAsync(new Uri("/admin/audit", UriKind.Relative));
        var assignmentsOnly = await client.GetStringAsync(new Uri("/admin/audit?entity=assignment", UriKind.Relative));

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect], new[] { title.StatusCode, vendor.StatusCode, assigned.StatusCode });
        Assert.Contains("Lumen Subtitles", page, StringComparison.Ordinal);
        Assert.Contains("value=\"de fr\"", page, StringComparison.Ordinal);
        Assert.Equal(3, await _app.QueryAsync(db => db.Channels.CountAsync(c => c.TitleId == titleId && c.Kind == ChannelKind.Vendor)));
        var entries = await _app.QueryAsync(db => db.AuditEntries.OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(["title", "vendor", "assignment"], entries.Select(e => e.Entity));
        Assert.All(entries, e => Assert.Equal(("user", _admin.Id), (e.ActorKind, e.ActorId!.Value)));
        // Newest first.
        Assert.True(audit.IndexOf("create assignment", StringComparison.Ordinal) < audit.IndexOf("create title", StringComparison.Ordinal));
        Assert.DoesNotContain("create title", assignmentsOnly, StringComparison.Ordinal);
        Assert.Contains("create assignment", assignmentsOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_HostileSlug_FormComesBackWithTheReasonAndNothingSaved()
    {
        using var client = await _app.SignedInAsync(_admin);

        var response = await WebApp.PostFormAsync(client, "/admin/titles", "/admin/titles", new() { ["name"] = "<script>x</script>", ["slug"] = "../evil", ["languages"] = "fr" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<strong>Slug</strong>", body, StringComparison.Ordinal);
        Assert.Contains("value=\"../evil\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>x</script>", body, StringComparison.Ordinal);
        Assert.Equal(0, await _app.QueryAsync(db => db.Titles.CountAsync()));
    }

    [Theory]
    [InlineData("fr-FR,fr;q=0.9", "fr", "ltr", "<h1>Prestataires</h1>", "Administration</a>", "Nouveau prestataire")]
    [InlineData("ar", "ar", "rtl", "<h1>المورّدون</h1>", "الإدارة</a>", "مورّد جديد")]
    public async Task AdminPage_AcceptLanguage_IsInThatLanguageAndDirection(string acceptLanguage, string lang, string dir, string heading, string navLink, string section)
    {
        using var client = await _app.SignedInAsync(_admin);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        var html = await client.GetStringAsync(new Uri("/admin/vendors", UriKind.Relative));

        Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", html, StringComparison.Ordinal);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        Assert.Contains(navLink, html, StringComparison.Ordinal);
        Assert.Contains(section, html, StringComparison.Ordinal);
        Assert.DoesNotContain("New vendor", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminForm_RefusedInFrench_NamesTheFieldInFrenchAndAuditSpeaksFrench()
    {
        using var client = await _app.SignedInAsync(_admin);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr");

        var refused = await WebApp.PostFormAsync(client, "/admin/titles", "/admin/titles", new() { ["name"] = "Nuit", ["slug"] = "../evil", ["languages"] = "fr" });
        var body = await refused.Content.ReadAsStringAsync();
        await WebApp.PostFormAsync(client, "/admin/vendors", "/admin/vendors", new() { ["name"] = "Lumen" });
        var audit = await client.GetStringAsync(new Uri("/admin/audit", UriKind.Relative));
        var keyRefused = await WebApp.PostFormAsync(client, "/admin/api-keys", "/admin/api-keys", new() { ["name"] = "no scope" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Rien n’a été enregistré", body, StringComparison.Ordinal);
        Assert.Contains("<strong>Identifiant d’URL</strong>", body, StringComparison.Ordinal);
        Assert.Contains("<h1>Journal d’audit</h1>", audit, StringComparison.Ordinal);
        Assert.Contains("Création : prestataire n° ", audit, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, keyRefused.StatusCode);
        Assert.Contains("Choisissez au moins une portée.", await keyRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_ArchivesTitle_TitlePageReadOnlyAndConversationHasNoPostBox()
    {
        var title = await _app.World.TitleAsync("fr");
        using var client = await _app.SignedInAsync(_admin);
        var path = $"/admin/titles/{title.Id.ToString(CultureInfo.InvariantCulture)}";

        var archived = await WebApp.PostFormAsync(client, path, path + "/archive", new() { ["archived"] = "true" });
        var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        var conversation = await client.GetStringAsync(new Uri($"/titles/{title.Slug}/broadcast", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, archived.StatusCode);
        Assert.Contains("Archived", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"name\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"text\"", conversation, StringComparison.Ordinal);
        Assert.Equal("archive", await _app.QueryAsync(db => db.AuditEntries.Select(a => a.Action).SingleAsync()));
    }

    [Fact]
    public async Task Admin_MakesUserWithAddressOfAnother_Refused()
    {
        using var client = await _app.SignedInAsync(_admin);

        var response = await WebApp.PostFormAsync(client, "/admin/users", "/admin/users",
            new() { ["name"] = "Copy", ["emails"] = _admin.Emails[0].Address.ToUpperInvariant(), ["role"] = "pm" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("belongs to another user", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_DeactivatesThemselvesAsTheLastAdmin_RefusedNamingTheFieldAndStillAdmin()
    {
        using var client = await _app.SignedInAsync(_admin);
        var path = $"/admin/users/{_admin.Id.ToString(CultureInfo.InvariantCulture)}";

        var response = await WebApp.PostFormAsync(client, path, path,
            new() { ["name"] = _admin.Name, ["emails"] = _admin.Emails[0].Address, ["role"] = "pm", ["admin"] = "true" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<strong>Active</strong>", body, StringComparison.Ordinal);
        Assert.Contains("is the last active admin", body, StringComparison.Ordinal);
        Assert.True(await _app.QueryAsync(db => db.Users.AnyAsync(u => u.Id == _admin.Id && u.IsAdmin && u.IsActive)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Admin_ApiKey_ShownOnceWorksThenRevokedIsRefused()
    {
        using var client = await _app.SignedInAsync(_admin);

        var created = await WebApp.PostFormAsync(client, "/admin/api-keys", "/admin/api-keys", new() { ["name"] = "production", ["scope"] = "sync" });
        var body = await created.Content.ReadAsStringAsync();
        var key = NewKey().Match(body).Groups[1].Value;
        var list = await client.GetStringAsync(new Uri("/admin/api-keys", UriKind.Relative));
        using var api = _app.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var before = await api.PutAsync("/api/v1/vendors/v-1", new StringContent("""{ "name": "Lumen" }""", System.Text.Encoding.UTF8, "application/json"));
        var id = await _app.QueryAsync(db => db.ApiKeys.Select(k => k.Id).SingleAsync());
        var revoked = await WebApp.PostFormAsync(client, "/admin/api-keys", $"/admin/api-keys/{id.ToString(CultureInfo.InvariantCulture)}/revoke", []);
        var after = await api.PutAsync("/api/v1/vendors/v-1", new StringContent("""{ "name": "Lumen 2" }""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl!.NoStore);
        Assert.StartsWith("clp_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
