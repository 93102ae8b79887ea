using System.Text.Json;
using ClpMailGateway.Commands;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ClpMailGateway.Tests.Commands;

public sealed class ImportCommandTests : IAsyncLifetime
{
    private static readonly string ExampleJson = Path.Combine(RepositoryPaths.Root, "examples", "import.json");
    private static readonly string ExampleCsv = Path.Combine(RepositoryPaths.Root, "examples", "people.csv");
    private TestDatabase _database = null!;
    private Cli _cli = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _cli = new Cli(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query) => _database.WithAsync(s => query(s.GetRequiredService<GatewayDbContext>()));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_database.Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_ExampleFile_CreatesItThenARepeatChangesNothing()
    {
        var first = await _cli.RunAsync("import", ExampleJson);
        var second = await _cli.RunAsync("import", ExampleJson);

        Assert.Equal(0, first.ExitCode);
        var summary = first.Lines[^1];
        Assert.Equal(("import", 8), (summary.GetProperty("type").GetString(), summary.GetProperty("changes").GetInt32()));
        Assert.Equal(8, first.Lines.Count(l => l.GetProperty("type").GetString() == "change"));
        Assert.Equal("night-shift-s1", first.Lines[0].GetProperty("after").GetProperty("slug").GetString());
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, Assert.Single(second.Lines).GetProperty("changes").GetInt32());
        Assert.Equal(8, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.ActorKind == "cli")));
    }

    [Fact]
    public async Task Import_DryRun_PrintsWhatWouldChangeAndChangesNothing()
    {
        var result = await _cli.RunAsync("import", ExampleJson, "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Lines[^1].GetProperty("dry_run").GetBoolean());
        Assert.Equal(["title", "vendor", "vendor", "user", "user", "user", "assignment", "assignment"],
            result.Lines.Where(l => l.GetProperty("type").GetString() == "change").Select(l => l.GetProperty("entity").GetString()));
        Assert.Equal(0, await QueryAsync(db => db.Titles.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Import_BadRows_EachReportedWithItsLineAndNothingChanged()
    {
        var path = Write("bad.json", """
            {
              "titles": [
                { "externalId": "t-1", "slug": "Night Shift", "name": "Night Shift" }
              ],
              "users": [
                { "externalId": "p-1", "name": "Anna", "emails": ["anna@example.test"], "role": "pm" },
                { "externalId": "p-2", "name": "Ben", "emails": ["ben@example.test"], "role": "pm", "vendor": "v-9" }
              ]
            }
            """);

        var result = await _cli.RunAsync("import", path);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Equal("error: import: 2 bad rows in " + path + "; nothing was changed.", result.Error);
        Assert.Equal([(3, "titles", "slug"), (7, "users", "vendor")],
            result.Lines.Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("section").GetString(), l.GetProperty("field").GetString())));
        Assert.Equal(0, await QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Import_DeactivatesTheLastActiveAdmin_RefusedWithItsLineAndNothingChanged()
    {
        var setup = await _cli.RunAsync("import", Write("admin.json", """
            { "users": [ { "externalId": "p-1", "name": "Anna", "emails": ["anna@example.test"], "role": "pm", "admin": true } ] }
            """));
        var path = Write("leave.json", """
            {
              "vendors": [ { "externalId": "v-1", "name": "Lumen" } ],
              "users": [
                { "externalId": "p-1", "active": false }
              ]
            }
            """);

        var result = await _cli.RunAsync("import", path);

        Assert.Equal(0, setup.ExitCode);
        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        var error = Assert.Single(result.Lines);
        Assert.Equal((4, "users", "active"), (error.GetProperty("line").GetInt32(), error.GetProperty("section").GetString(), error.GetProperty("field").GetString()));
        Assert.Contains("last active admin", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.Vendors.CountAsync()));
        Assert.True(await QueryAsync(db => db.Users.AnyAsync(u => u.ExternalId == "p-1" && u.IsActive && u.IsAdmin)));
    }

    [Fact]
    public async Task Import_PeopleCsv_AfterTheJsonCreatesThemAndIsIdempotent()
    {
        await _cli.RunAsync("import", ExampleJson);

        var first = await _cli.RunAsync("import", ExampleCsv);
        var second = await _cli.RunAsync("import", ExampleCsv);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(2, first.Lines[^1].GetProperty("changes").GetInt32());
        var ben = await QueryAsync(db => db.Users.Include(u => u.Emails).SingleAsync(u => u.ExternalId == "prod-person-5"));
        Assert.Equal("Okafor, Ben", ben.Name);
        Assert.Equal(["ben.okafor@example.com", "ben@example.org"], ben.Emails.OrderByDescending(e => e.IsPrimary).Select(e => e.Address));
        Assert.Equal(0, second.Lines[^1].GetProperty("changes").GetInt32());
    }

    [Fact]
    public async Task Import_CsvBadRow_NamesItsLine()
    {
        var path = Write("people.csv", "externalId,name,emails,role\np-1,Anna,anna@example.test,pm\np-2,Ben,ben@example.test,boss\n\"p-3\",\"Multi\nline\",c@example.test,pm\np-4,Dee,not-an-address,cpc\n");

        var result = await _cli.RunAsync("import", path);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Equal([(3, "role"), (4, "name"), (6, "emails")], result.Lines.Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("field").GetString())));
    }

    [Fact]
    public async Task Import_CsvUnknownColumn_Refused()
    {
        var path = Write("people.csv", "externalId,name,e-mail\np-1,Anna,anna@example.test\n");

        var result = await _cli.RunAsync("import", path);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Equal("e-mail", Assert.Single(result.Lines).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Import_MissingFile_NotFound()
    {
        var result = await _cli.RunAsync("import", Path.Combine(_database.Folder, "none.json"));

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
    }

    [Fact]
    public async Task ApiKeys_CreateListRevoke_SecretShownOnce()
    {
        var created = await _cli.RunAsync("api-keys", "create", "--name", "production sync", "--scope", "sync");
        var key = Assert.Single(created.Lines);
        var text = key.GetProperty("key").GetString()!;
        var id = key.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var listed = await _cli.RunAsync("api-keys", "list");
        var revoked = await _cli.RunAsync("api-keys", "revoke", id);
        var again = await _cli.RunAsync("api-keys", "revoke", id);

        Assert.StartsWith("clp_", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text[13..], listed.Stdout, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, Assert.Single(listed.Lines).GetProperty("revoked_at_utc").ValueKind);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(ExitCodes.NotFound, again.ExitCode);
    }

    [Fact]
    public async Task ApiKeys_UnknownScope_Usage()
    {
        var result = await _cli.RunAsync("api-keys", "create", "--name", "x", "--scope", "root");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }
}
