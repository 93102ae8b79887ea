using System.Globalization;
using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Layout;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Admin;

/// <summary>The admin pages (mapped under the <c>Admin</c> policy): titles, vendors, users and assignments created, edited
/// and archived through the <see cref="AdministrationService"/> (its validation and audit, as the API and
/// <c>gw import</c>), API keys made (shown once) and revoked, and the audit newest first. A refused form comes back with
/// each problem and what was typed.</summary>
public static class AdminEndpoints
{
    public const string Root = "/admin";
    public const int AuditPageSize = 50;

    public static RouteGroupBuilder MapAdministration(this RouteGroupBuilder group)
    {
        var admin = group.MapGroup(Root);
        admin.MapGet("/", () => TypedResults.Redirect(Root + "/titles"));

        admin.MapGet("/titles", async (HttpContext context, GatewayDbContext db, [FromQuery] string? saved, CancellationToken cancellationToken) =>
            await TitlesPageAsync(context, db, saved is not null, [], null, cancellationToken));
        admin.MapPost("/titles", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, [FromForm] TitleForm form, CancellationToken cancellationToken) =>
        {
            var row = new TitleRow { ExternalId = Blank(form.ExternalId), Slug = form.Slug?.Trim() ?? string.Empty, Name = form.Name ?? string.Empty, Languages = Words(form.Languages) ?? [] };
            var result = await ApplyAsync(context, db, administration, new SyncDocument { Titles = [row] }, cancellationToken);
            return result.Succeeded ? TypedResults.Redirect(Root + "/titles?saved=1") : await TitlesPageAsync(context, db, false, result.Errors, form, cancellationToken);
        });
        admin.MapGet("/titles/{id:int}", async (HttpContext context, GatewayDbContext db, int id, [FromQuery] string? saved, CancellationToken cancellationToken) =>
            await TitlePageAsync(context, db, id, saved is not null, [], cancellationToken));
        admin.MapPost("/titles/{id:int}", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, int id, [FromForm] TitleForm form, CancellationToken cancellationToken) =>
        {
            var row = new TitleRow { Id = id, ExternalId = Blank(form.ExternalId), Name = form.Name ?? string.Empty, Languages = Words(form.Languages) ?? [] };
            return await SaveTitleAsync(context, db, administration, id, new SyncDocument { Titles = [row] }, cancellationToken);
        });
        admin.MapPost("/titles/{id:int}/archive", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, int id, [FromForm] string? archived, CancellationToken cancellationToken) =>
            await SaveTitleAsync(context, db, administration, id, new SyncDocument { Titles = [new TitleRow { Id = id, Archived = archived == "true" }] }, cancellationToken));
        admin.MapPost("/titles/{id:int}/assignments", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, int id, [FromForm] AssignmentForm form, CancellationToken cancellationToken) =>
        {
            var row = new AssignmentRow { TitleId = id, VendorId = form.VendorId ?? 0, Languages = Words(form.Languages) ?? [], Primary = Blank(form.Primary) };
            return await SaveTitleAsync(context, db, administration, id, new SyncDocument { Assignments = [row] }, cancellationToken);
        });

        admin.MapGet("/vendors", async (HttpContext context, GatewayDbContext db, [FromQuery] string? saved, CancellationToken cancellationToken) =>
            await VendorsPageAsync(context, db, saved is not null, [], cancellationToken));
        admin.MapPost("/vendors", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, [FromForm] VendorForm form, CancellationToken cancellationToken) =>
            await SaveVendorAsync(context, db, administration, new VendorRow { ExternalId = Blank(form.ExternalId), Name = form.Name ?? string.Empty }, cancellationToken));
        admin.MapPost("/vendors/{id:int}", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, int id, [FromForm] VendorForm form, CancellationToken cancellationToken) =>
            await SaveVendorAsync(context, db, administration, new VendorRow { Id = id, ExternalId = Blank(form.ExternalId), Name = form.Name ?? string.Empty }, cancellationToken));

        admin.MapGet("/users", async (HttpContext context, GatewayDbContext db, [FromQuery] string? saved, CancellationToken cancellationToken) =>
            await UsersPageAsync(context, db, saved is not null, [], null, cancellationToken));
        admin.MapPost("/users", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, [FromForm] UserForm form, CancellationToken cancellationToken) =>
        {
            var result = await ApplyAsync(context, db, administration, new SyncDocument { Users = [UserRowOf(form, null)] }, cancellationToken);
            return result.Succeeded ? TypedResults.Redirect(Root + "/users?saved=1") : await UsersPageAsync(context, db, false, result.Errors, form, cancellationToken);
        });
        admin.MapGet("/users/{id:int}", async (HttpContext context, GatewayDbContext db, int id, [FromQuery] string? saved, CancellationToken cancellationToken) =>
            await UserPageAsync(context, db, id, saved is not null, [], null, cancellationToken));
        admin.MapPost("/users/{id:int}", async Task<Results<RedirectHttpResult, RazorComponentResult>> (
            HttpContext context, GatewayDbContext db, AdministrationService administration, int id, [FromForm] UserForm form, CancellationToken cancellationToken) =>
        {
            var result = await ApplyAsync(context, db, administration, new SyncDocument { Users = [UserRowOf(form, id)] }, cancellationToken);
            return result.Succeeded
                ? TypedResults.Redirect($"{Root}/users/{id.ToString(CultureInfo.InvariantCulture)}?saved=1")
                : await UserPageAsync(context, db, id, false, result.Errors, form, cancellationToken);
        });

        admin.MapGet("/api-keys", async (HttpContext context, GatewayDbContext db, CancellationToken cancellationToken) =>
            await ApiKeysPageAsync(context, db, null, null, cancellationToken));
        admin.MapPost("/api-keys", async (
            HttpContext context, GatewayDbContext db, ApiKeyService keys, [FromForm] ApiKeyForm form, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            try
            {
                var created = await keys.CreateAsync(form.Name ?? string.Empty, form.Scope ?? [], Actor.ForUser(user!.Id, user.Email), cancellationToken);
                // The key is on this page only: never cached, never shown again.
                context.Response.Headers.CacheControl = "no-store";
                return await ApiKeysPageAsync(context, db, created.Text, null, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                // The service says which argument it refused; the page says what to do about it in the reader's language.
                var problem = ex.ParamName switch
                {
                    "name" => Phrase.Of<AdminStrings>("KeyNameProblem"),
                    "scopes" => Phrase.Of<AdminStrings>("KeyScopesProblem"),
                    _ => Phrase.Verbatim(ex.Message),
                };
                return await ApiKeysPageAsync(context, db, null, problem, cancellationToken);
            }
        });
        admin.MapPost("/api-keys/{id:int}/revoke", async (
            HttpContext context, GatewayDbContext db, ApiKeyService keys, int id, CancellationToken cancellationToken) =>
        {
            var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
            return await keys.RevokeAsync(id, Actor.ForUser(user!.Id, user.Email), cancellationToken)
                ? (IResult)TypedResults.Redirect(Root + "/api-keys")
                : Pages.NotFound(user);
        });

        admin.MapGet("/audit", async (HttpContext context, GatewayDbContext db, [FromQuery] string? entity, [FromQuery] int? page, CancellationToken cancellationToken) =>
        {
            var query = db.AuditEntries.AsNoTracking();
            var filter = AuditPage.Entities.Contains(entity) ? entity : null;
            if (filter is not null)
            {
                query = query.Where(a => a.Entity == filter);
            }

            var number = Math.Clamp(page ?? 1, 1, 100_000);
            var entries = await query.OrderByDescending(a => a.Id).Skip((number - 1) * AuditPageSize).Take(AuditPageSize + 1).ToListAsync(cancellationToken);
            return Pages.Show<AuditPage>(new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Entries = entries.Take(AuditPageSize).ToList(),
                Entity = filter,
                PageNumber = number,
                HasMore = entries.Count > AuditPageSize,
            });
        });
        return group;
    }

    public sealed class TitleForm
    {
        public string? ExternalId { get; set; }
        public string? Slug { get; set; }
        public string? Name { get; set; }
        public string? Languages { get; set; }
    }

    public sealed class VendorForm
    {
        public string? ExternalId { get; set; }
        public string? Name { get; set; }
    }

    public sealed class AssignmentForm
    {
        public int? VendorId { get; set; }
        public string? Languages { get; set; }
        public string? Primary { get; set; }
    }

    public sealed class UserForm
    {
        public string? ExternalId { get; set; }
        public string? Name { get; set; }
        public string? Handle { get; set; }
        public string? Emails { get; set; }
        public string? Role { get; set; }
        public int? VendorId { get; set; }
        public string? Admin { get; set; }
        public string? Languages { get; set; }
        public string? Active { get; set; }
    }

    public sealed class ApiKeyForm
    {
        public string? Name { get; set; }
        public List<string>? Scope { get; set; }
    }

    private static UserRow UserRowOf(UserForm form, int? id) => new()
    {
        Id = id,
        ExternalId = Blank(form.ExternalId),
        Name = form.Name ?? string.Empty,
        Handle = Blank(form.Handle),
        Emails = Words(form.Emails) ?? [],
        Role = form.Role ?? string.Empty,
        VendorId = form.Role == "vendor" ? form.VendorId : null,
        Admin = form.Admin == "true",
        Languages = Words(form.Languages) ?? [],
        Active = id is null || form.Active == "true",
    };

    private static async Task<AdminResult> ApplyAsync(
        HttpContext context, GatewayDbContext db, AdministrationService administration, SyncDocument document, CancellationToken cancellationToken)
    {
        var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
        return await administration.ApplyAsync(document, Actor.ForUser(user!.Id, user.Email), new ApplyOptions(false, MayChangeRoles: true, RequireExternalIds: false), cancellationToken);
    }

    private static async Task<Results<RedirectHttpResult, RazorComponentResult>> SaveTitleAsync(
        HttpContext context, GatewayDbContext db, AdministrationService administration, int id, SyncDocument document, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(context, db, administration, document, cancellationToken);
        return result.Succeeded
            ? TypedResults.Redirect($"{Root}/titles/{id.ToString(CultureInfo.InvariantCulture)}?saved=1")
            : await TitlePageAsync(context, db, id, false, result.Errors, cancellationToken);
    }

    private static async Task<Results<RedirectHttpResult, RazorComponentResult>> SaveVendorAsync(
        HttpContext context, GatewayDbContext db, AdministrationService administration, VendorRow row, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(context, db, administration, new SyncDocument { Vendors = [row] }, cancellationToken);
        return result.Succeeded ? TypedResults.Redirect(Root + "/vendors?saved=1") : await VendorsPageAsync(context, db, false, result.Errors, cancellationToken);
    }

    private static async Task<RazorComponentResult> TitlesPageAsync(
        HttpContext context, GatewayDbContext db, bool saved, IReadOnlyList<RowError> errors, TitleForm? form, CancellationToken cancellationToken) =>
        Pages.Show<AdminTitlesPage>(
            new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Titles = await db.Titles.AsNoTracking().Include(t => t.Languages).OrderBy(t => t.Slug).ToListAsync(cancellationToken),
                Saved = saved,
                Errors = errors,
                Form = form ?? new TitleForm(),
            },
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static async Task<RazorComponentResult> TitlePageAsync(
        HttpContext context, GatewayDbContext db, int id, bool saved, IReadOnlyList<RowError> errors, CancellationToken cancellationToken)
    {
        var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
        var title = await db.Titles.AsNoTracking().Include(t => t.Languages).SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (title is null)
        {
            return Pages.NotFound(user);
        }

        var vendors = await db.Vendors.AsNoTracking().OrderBy(v => v.Name).ToListAsync(cancellationToken);
        var assignments = await db.VendorAssignments.AsNoTracking().Where(a => a.TitleId == id).ToListAsync(cancellationToken);
        return Pages.Show<AdminTitlePage>(
            new
            {
                User = user,
                Title = title,
                Vendors = vendors,
                Assignments = assignments.GroupBy(a => a.VendorId)
                    .Select(g => new AdminTitlePage.Assigned(vendors.Single(v => v.Id == g.Key), g.Select(a => a.Language).Order(StringComparer.Ordinal).ToList(),
                        g.FirstOrDefault(a => a.IsPrimary)?.Language))
                    .OrderBy(a => a.Vendor.Name).ToList(),
                Saved = saved,
                Errors = errors,
            },
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<RazorComponentResult> VendorsPageAsync(
        HttpContext context, GatewayDbContext db, bool saved, IReadOnlyList<RowError> errors, CancellationToken cancellationToken) =>
        Pages.Show<AdminVendorsPage>(
            new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Vendors = await db.Vendors.AsNoTracking().OrderBy(v => v.Name).ToListAsync(cancellationToken),
                Saved = saved,
                Errors = errors,
            },
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static async Task<RazorComponentResult> UsersPageAsync(
        HttpContext context, GatewayDbContext db, bool saved, IReadOnlyList<RowError> errors, UserForm? form, CancellationToken cancellationToken) =>
        Pages.Show<AdminUsersPage>(
            new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Users = await db.Users.AsNoTracking().Include(u => u.Emails).Include(u => u.Vendor).OrderBy(u => u.Name).ToListAsync(cancellationToken),
                Vendors = await db.Vendors.AsNoTracking().OrderBy(v => v.Name).ToListAsync(cancellationToken),
                Saved = saved,
                Errors = errors,
                Form = form ?? new UserForm { Role = "vendor" },
            },
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static async Task<RazorComponentResult> UserPageAsync(
        HttpContext context, GatewayDbContext db, int id, bool saved, IReadOnlyList<RowError> errors, UserForm? form, CancellationToken cancellationToken)
    {
        var user = await CurrentUser.LoadAsync(context, db, cancellationToken);
        var edited = await db.Users.AsNoTracking().Include(u => u.Emails).Include(u => u.Languages).SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (edited is null)
        {
            return Pages.NotFound(user);
        }

        form ??= new UserForm
        {
            ExternalId = edited.ExternalId,
            Name = edited.Name,
            Handle = edited.Handle,
            Emails = string.Join(' ', edited.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address)),
            Role = edited.Role.ToString().ToLowerInvariant(),
            VendorId = edited.VendorId,
            Admin = edited.IsAdmin ? "true" : null,
            Languages = string.Join(' ', edited.Languages.Select(l => l.Language).Order(StringComparer.Ordinal)),
            Active = edited.IsActive ? "true" : null,
        };
        return Pages.Show<AdminUserPage>(
            new
            {
                User = user,
                Edited = edited,
                Vendors = await db.Vendors.AsNoTracking().OrderBy(v => v.Name).ToListAsync(cancellationToken),
                Saved = saved,
                Errors = errors,
                Form = form,
            },
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<RazorComponentResult> ApiKeysPageAsync(
        HttpContext context, GatewayDbContext db, string? createdKey, Phrase? error, CancellationToken cancellationToken) =>
        Pages.Show<AdminApiKeysPage>(
            new
            {
                User = await CurrentUser.LoadAsync(context, db, cancellationToken),
                Keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(cancellationToken),
                CreatedKey = createdKey,
                Error = error,
            },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    /// <summary>A list typed in one field: separated by spaces, commas, semicolons or lines.</summary>
    private static List<string>? Words(string? text) =>
        text?.Split([' ', ',', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
