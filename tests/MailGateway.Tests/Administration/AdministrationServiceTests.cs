using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ClpMailGateway.Tests.Administration;

public sealed class AdministrationServiceTests : IAsyncLifetime
{
    private static readonly ApplyOptions Admin = new(DryRun: false, MayChangeRoles: true, RequireExternalIds: false);
    private static readonly ApplyOptions Sync = new(DryRun: false, MayChangeRoles: false, RequireExternalIds: true);
    private static readonly Actor Tester = new("user", 1, "tester@clp.test");
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static SyncDocument World() => new()
    {
        Titles = [new TitleRow { ExternalId = "t-1", Slug = "night-shift", Name = "Night Shift", Languages = ["fr", "de", "pt_br"] }],
        Vendors = [new VendorRow { ExternalId = "v-1", Name = "Lumen Subtitles" }],
        Users =
        [
            new UserRow { ExternalId = "p-1", Name = "Anna", Emails = ["Anna@Example.test"], Role = "pm" },
            new UserRow { ExternalId = "p-2", Name = "Léa", Emails = ["lea@example.test"], Role = "vendor", Vendor = "v-1", Languages = ["fr"] },
        ],
        Assignments = [new AssignmentRow { Vendor = "v-1", Title = "t-1", Languages = ["fr", "pt-BR"], Primary = "pt-BR" }],
    };

    private Task<AdminResult> ApplyAsync(SyncDocument document, ApplyOptions? options = null) =>
        _database.WithAsync(s => s.GetRequiredService<AdministrationService>().ApplyAsync(document, Tester, options ?? Admin, CancellationToken.None));

    private Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query) => _database.WithAsync(s => query(s.GetRequiredService<GatewayDbContext>()));

    [Fact]
    public async Task Apply_NewWorld_CreatesEverythingWithChannelsAndAuditsEachChange()
    {
        var result = await ApplyAsync(World(), Sync);

        Assert.Empty(result.Errors);
        Assert.Equal(["title", "vendor", "user", "user", "assignment"], result.Changes.Select(c => c.Entity));
        var title = await QueryAsync(db => db.Titles.Include(t => t.Channels).SingleAsync(t => t.ExternalId == "t-1"));
        Assert.Equal(["broadcast", "internal", "vendor-de", "vendor-fr", "vendor-pt-br"], title.Channels.Select(c => c.Key).Order(StringComparer.Ordinal));
        var assignments = await QueryAsync(db => db.VendorAssignments.Where(a => a.TitleId == title.Id).ToListAsync());
        Assert.Equal("pt-BR", assignments.Single(a => a.IsPrimary).Language);
        var anna = await QueryAsync(db => db.Users.Include(u => u.Emails).SingleAsync(u => u.ExternalId == "p-1"));
        Assert.Equal("anna@example.test", anna.Emails.Single().Address);
        Assert.NotNull(anna.Emails.Single().VerifiedAtUtc);
        Assert.Equal("anna", anna.Handle);
        // Léa follows the title her vendor was assigned on, so its messages reach her.
        Assert.True(await QueryAsync(db => db.Follows.AnyAsync(f => f.TitleId == title.Id && db.Users.Any(u => u.Id == f.UserId && u.ExternalId == "p-2"))));
        var audit = await QueryAsync(db => db.AuditEntries.OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(5, audit.Count);
        Assert.All(audit, a => Assert.Equal(("user", 1, "tester@clp.test"), (a.ActorKind, a.ActorId, a.ActorName)));
        Assert.All(audit, a => Assert.Null(a.Before));
        Assert.Contains("\"slug\":\"night-shift\"", audit[0].After, StringComparison.Ordinal);
        Assert.Equal($"{assignments[0].VendorId}:{title.Id}", audit[4].EntityId);
    }

    [Fact]
    public async Task Apply_SameDocumentAgain_ChangesNothingAndAuditsNothing()
    {
        await ApplyAsync(World(), Sync);
        var audited = await QueryAsync(db => db.AuditEntries.CountAsync());

        var again = await ApplyAsync(World(), Sync);

        Assert.Empty(again.Errors);
        Assert.Empty(again.Changes);
        Assert.Equal(audited, await QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Apply_ChangedName_AuditsBeforeAndAfter()
    {
        await ApplyAsync(World(), Sync);
        var document = World();
        document.Titles[0].Name = "Night Shift S2";

        var result = await ApplyAsync(document, Sync);

        var change = Assert.Single(result.Changes);
        Assert.Equal(("title", "update"), (change.Entity, change.Action));
        var audit = await QueryAsync(db => db.AuditEntries.OrderByDescending(a => a.Id).FirstAsync());
        Assert.Contains("\"name\":\"Night Shift\"", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Night Shift S2\"", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Night-Shift")]
    [InlineData("night shift")]
    [InlineData("../etc/passwd")]
    [InlineData("night/shift")]
    [InlineData("night%2fshift")]
    [InlineData("night_shift")]
    [InlineData("nіght-shift")] // Cyrillic і: a homoglyph of i
    [InlineData("ｎｉｇｈｔ")] // full-width letters
    [InlineData("-night")]
    [InlineData("night--shift")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65 characters
    public async Task Apply_HostileSlug_RefusedNamingTheField(string slug)
    {
        var result = await ApplyAsync(new SyncDocument { Titles = [new TitleRow { ExternalId = "t-x", Slug = slug, Name = "X" }] });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("titles", 0, "slug"), (error.Section, error.Index, error.Field));
        Assert.Equal(0, await QueryAsync(db => db.Titles.CountAsync()));
    }

    [Theory]
    [InlineData("Evil\u202Egnp.exe")]
    [InlineData("Tab\tName")]
    [InlineData("Zero\u200Bwidth")]
    [InlineData("   ")]
    public async Task Apply_HostileName_Refused(string name)
    {
        var result = await ApplyAsync(new SyncDocument { Vendors = [new VendorRow { ExternalId = "v-x", Name = name }] });

        Assert.Equal("name", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public async Task Apply_SlugOfAnotherTitle_Refused()
    {
        await ApplyAsync(World());

        var result = await ApplyAsync(new SyncDocument { Titles = [new TitleRow { ExternalId = "t-2", Slug = "night-shift", Name = "Copy" }] });

        Assert.Contains("another title", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_OneBadRowAmongGood_AppliesNothingAndNamesEveryBadRow()
    {
        var document = World();
        document.Users.Add(new UserRow { ExternalId = "p-3", Name = "Bad", Emails = ["not-an-address"], Role = "pm" });
        document.Users.Add(new UserRow { ExternalId = "p-4", Name = "Worse", Emails = ["w@example.test"], Role = "boss" });

        var result = await ApplyAsync(document);

        Assert.Equal([("users", 2, "emails"), ("users", 3, "role")], result.Errors.Select(e => (e.Section, e.Index, e.Field)));
        Assert.Empty(result.Changes);
        Assert.Equal(0, await QueryAsync(db => db.Titles.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Apply_AddressTwiceInDocument_RefusedOnTheSecondUser()
    {
        var document = World();
        document.Users.Add(new UserRow { ExternalId = "p-3", Name = "Twin", Emails = ["ANNA@example.test "], Role = "cpc" });

        var result = await ApplyAsync(document);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("users", 2, "emails"), (error.Section, error.Index, error.Field));
        Assert.Contains("users[0]", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AddressOfAnExistingUser_Refused()
    {
        await ApplyAsync(World());

        var result = await ApplyAsync(new SyncDocument { Users = [new UserRow { ExternalId = "p-9", Name = "Thief", Emails = ["lea@example.test"], Role = "pm" }] });

        Assert.Contains("belongs to another user", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_StaffAndVendorMemberAtOnce_Refused()
    {
        var document = World();
        document.Users[0].Vendor = "v-1";

        var result = await ApplyAsync(document);

        var error = Assert.Single(result.Errors);
        Assert.Equal("vendor", error.Field);
        Assert.Contains("at once", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_VendorUserAsAdmin_Refused()
    {
        var document = World();
        document.Users[1].Admin = true;

        Assert.Equal("admin", Assert.Single((await ApplyAsync(document)).Errors).Field);
    }

    [Fact]
    public async Task Apply_PrimaryLanguageNotAssigned_Refused()
    {
        var document = World();
        document.Assignments[0].Primary = "de";

        var error = Assert.Single((await ApplyAsync(document)).Errors);

        Assert.Equal(("assignments", "primary"), (error.Section, error.Field));
    }

    [Fact]
    public async Task Apply_AssignmentToLanguageTheTitleLacks_Refused()
    {
        var document = World();
        document.Assignments[0].Languages = ["fr", "ja"];
        document.Assignments[0].Primary = "fr";

        var error = Assert.Single((await ApplyAsync(document)).Errors);

        Assert.Equal("languages", error.Field);
        Assert.Contains("has no language ja", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WithoutRoleRight_CannotMakeAdminsOrChangeRoles()
    {
        await ApplyAsync(World(), Sync);
        var document = World();
        document.Users[0].Role = "cpc";
        document.Users.Add(new UserRow { ExternalId = "p-5", Name = "New admin", Emails = ["boss@example.test"], Role = "pm", Admin = true });

        var result = await ApplyAsync(document, Sync);

        Assert.Equal([("users", 0, "role"), ("users", 2, "admin")], result.Errors.Select(e => (e.Section, e.Index, e.Field)));
        Assert.Equal(UserRole.Pm, await QueryAsync(db => db.Users.Where(u => u.ExternalId == "p-1").Select(u => u.Role).SingleAsync()));
    }

    [Fact]
    public async Task Apply_RoleChangeWithRoleRight_EndsTheUsersSessions()
    {
        await ApplyAsync(World(), Sync);
        var stamp = await QueryAsync(db => db.Users.Where(u => u.ExternalId == "p-1").Select(u => u.SecurityStamp).SingleAsync());
        var document = World();
        document.Users[0].Admin = true;

        var result = await ApplyAsync(document);

        Assert.Empty(result.Errors);
        var anna = await QueryAsync(db => db.Users.SingleAsync(u => u.ExternalId == "p-1"));
        Assert.True(anna.IsAdmin);
        Assert.NotEqual(stamp, anna.SecurityStamp);
    }

    [Theory]
    [InlineData(false, true, "admin")]
    [InlineData(true, false, "active")]
    [InlineData(false, false, "admin")]
    public async Task Apply_LastActiveAdminLosesTheRight_RefusedNamingTheFieldAndNothingApplied(bool admin, bool active, string field)
    {
        var world = World();
        world.Users[0].Admin = true;
        await ApplyAsync(world);
        var document = World();
        document.Vendors[0].Name = "Renamed";
        document.Users[0].Admin = admin;
        document.Users[0].Active = active;

        var result = await ApplyAsync(document);
        var dryRun = await ApplyAsync(document, Admin with { DryRun = true });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("users", 0, field), (error.Section, error.Index, error.Field));
        Assert.Contains("Anna is the last active admin", error.Reason, StringComparison.Ordinal);
        Assert.Equal(field, Assert.Single(dryRun.Errors).Field);
        var anna = await QueryAsync(db => db.Users.SingleAsync(u => u.ExternalId == "p-1"));
        Assert.Equal((true, true), (anna.IsAdmin, anna.IsActive));
        Assert.Equal("Lumen Subtitles", await QueryAsync(db => db.Vendors.Select(v => v.Name).SingleAsync()));
    }

    [Fact]
    public async Task Apply_LastAdminHandsTheRightOnInTheSameDocument_AppliedInEitherOrder()
    {
        var world = World();
        world.Users[0].Admin = true;
        await ApplyAsync(world);
        var document = new SyncDocument
        {
            Users =
            [
                new UserRow { ExternalId = "p-1", Admin = false },
                new UserRow { ExternalId = "p-9", Name = "Ben", Emails = ["ben@example.test"], Role = "cpc", Admin = true },
            ],
        };

        var result = await ApplyAsync(document);

        Assert.Empty(result.Errors);
        Assert.Equal(["p-9"], await QueryAsync(db => db.Users.Where(u => u.IsAdmin).Select(u => u.ExternalId!).ToListAsync()));
    }

    [Fact]
    public async Task Apply_OneOfTwoAdminsDeactivated_Applied()
    {
        var world = World();
        world.Users[0].Admin = true;
        world.Users.Add(new UserRow { ExternalId = "p-9", Name = "Ben", Emails = ["ben@example.test"], Role = "cpc", Admin = true });
        await ApplyAsync(world);

        var result = await ApplyAsync(new SyncDocument { Users = [new UserRow { ExternalId = "p-9", Active = false }] });
        var last = await ApplyAsync(new SyncDocument { Users = [new UserRow { ExternalId = "p-1", Active = false }] });

        Assert.Empty(result.Errors);
        Assert.Equal("active", Assert.Single(last.Errors).Field);
        Assert.True(await QueryAsync(db => db.Users.AnyAsync(u => u.ExternalId == "p-1" && u.IsActive && u.IsAdmin)));
    }

    [Fact]
    public async Task Apply_WithoutExternalIdOnSync_Refused()
    {
        var result = await ApplyAsync(new SyncDocument { Vendors = [new VendorRow { Name = "Nobody knows" }] }, Sync);

        Assert.Equal("externalId", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public async Task Apply_DryRun_ReportsTheChangesAndWritesNothing()
    {
        var result = await ApplyAsync(World(), Admin with { DryRun = true });

        Assert.True(result.DryRun);
        Assert.Equal(5, result.Changes.Count);
        Assert.Equal(0, await QueryAsync(db => db.Titles.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Apply_LanguageTakenOffTitle_RemovesItsAssignmentAndMovesThePrimary()
    {
        await ApplyAsync(World());
        var document = World();
        document.Titles[0].Languages = ["fr", "de"];
        document.Assignments.Clear();

        var result = await ApplyAsync(document);

        Assert.Equal([("assignment", "update"), ("title", "update")], result.Changes.Select(c => (c.Entity, c.Action)).Order());
        var assignment = await QueryAsync(db => db.VendorAssignments.SingleAsync());
        Assert.Equal(("fr", true), (assignment.Language, assignment.IsPrimary));
    }

    [Fact]
    public async Task Apply_EmptyAssignment_RemovesItAndItsAccess()
    {
        await ApplyAsync(World());
        var document = World();
        document.Assignments[0].Languages = [];
        document.Assignments[0].Primary = null;

        var result = await ApplyAsync(document);

        Assert.Equal(("assignment", "remove"), (result.Changes.Single().Entity, result.Changes.Single().Action));
        Assert.Equal(0, await QueryAsync(db => db.VendorAssignments.CountAsync()));
    }

    [Fact]
    public async Task Apply_ArchivedTitle_ChannelsReadOnlyForEveryone()
    {
        await ApplyAsync(World());
        var document = World();
        document.Titles[0].Archived = true;

        var result = await ApplyAsync(document);

        Assert.Equal("archive", result.Changes.Single().Action);
        var (userId, titleId) = await QueryAsync(async db => (
            await db.Users.Where(u => u.ExternalId == "p-1").Select(u => u.Id).SingleAsync(),
            await db.Titles.Where(t => t.ExternalId == "t-1").Select(t => t.Id).SingleAsync()));
        var reader = await QueryAsync(db => AccessContextLoader.LoadAsync(db, userId, titleId, CancellationToken.None));
        var decision = ChannelPolicy.Decide(reader, ChannelKind.Broadcast, null);
        Assert.True(decision.CanRead);
        Assert.False(decision.CanPost);
        Assert.Equal(AccessReason.TitleArchived, decision.PostDenied?.Reason);
    }

    [Fact]
    public async Task Archive_PendingNotification_IsDroppedWithoutMail()
    {
        await ApplyAsync(World());
        var (userId, channelId) = await QueryAsync(async db => (
            await db.Users.Where(u => u.ExternalId == "p-1").Select(u => u.Id).SingleAsync(),
            await db.Channels.Where(c => c.Title!.ExternalId == "t-1" && c.Key == "broadcast").Select(c => c.Id).SingleAsync()));
        var posted = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>()
            .PostAsync(new PostRequest(userId, channelId, "Locked cut is ready", [], MessageOrigin.Web), CancellationToken.None));
        Assert.Null(posted.Error);
        var document = World();
        document.Titles[0].Archived = true;
        await ApplyAsync(document);

        await _database.FanOutAsync();

        Assert.Equal(0, await QueryAsync(db => db.PendingFanouts.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.OutboundMails.CountAsync()));
        var refused = await _database.WithAsync(s => s.GetRequiredService<MessagePoster>()
            .PostAsync(new PostRequest(userId, channelId, "One more", [], MessageOrigin.Web), CancellationToken.None));
        Assert.Contains("archived", refused.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_SlugChange_Refused()
    {
        await ApplyAsync(World());
        var document = World();
        document.Titles[0].Slug = "night-shift-2";

        Assert.Equal("slug", Assert.Single((await ApplyAsync(document)).Errors).Field);
    }
}
