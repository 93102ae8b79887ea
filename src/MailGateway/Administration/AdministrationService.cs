using System.Globalization;
using System.Text.Json;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Administration;

/// <summary>
/// The one way titles, vendors, users and assignments change: the admin pages, the <c>/api/v1</c> sync API and
/// <c>gw import</c> all hand it a <see cref="SyncDocument"/>. Every row is validated (each bad one reported with its
/// line, field and reason), the whole document is applied in one transaction or not at all, a row that changes nothing
/// writes nothing (so a sync repeated is idempotent), and every change is audited with its actor and its state before
/// and after.
/// </summary>
public sealed class AdministrationService(GatewayDbContext db, TimeProvider timeProvider, ILogger<AdministrationService> logger)
{
    /// <summary>More rows than this in one document are refused: a bigger sync is sent in parts.</summary>
    public const int MaxRows = 20_000;

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    public async Task<AdminResult> ApplyAsync(SyncDocument document, Actor actor, ApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(options);
        if (document.RowCount > MaxRows)
        {
            return new AdminResult([new RowError("document", 0, null, "rows", $"a document holds at most {MaxRows:N0} rows; this one has {document.RowCount:N0}")], [], options.DryRun);
        }

        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var run = new Run(db, options, timeProvider.GetUtcNow().UtcDateTime);
        try
        {
            await run.LoadAsync(cancellationToken);
            run.Titles(document.Titles);
            await db.SaveChangesAsync(cancellationToken);
            run.Vendors(document.Vendors);
            await db.SaveChangesAsync(cancellationToken);
            run.Users(document.Users);
            await db.SaveChangesAsync(cancellationToken);
            run.Assignments(document.Assignments);
            await db.SaveChangesAsync(cancellationToken);
            await run.EnsureFollowsAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // Validation saw the rows as they were; another writer changed them since (a unique address, slug or id).
            logger.LogWarning(ex, "Administrative change by {ActorKind} {ActorName} conflicted with a concurrent change", actor.Kind, actor.Name);
            run.Errors.Add(new RowError("document", 0, null, "*", "another change to the same rows was made at the same time; send the document again"));
        }

        var changes = run.Changes.Select(c => c.Done()).ToList();
        if (run.Errors.Count > 0 || options.DryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return new AdminResult(run.Errors, run.Errors.Count > 0 ? [] : changes, options.DryRun);
        }

        db.AuditEntries.AddRange(run.Changes.Select(c => c.ToAudit(actor, run.Now)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        if (changes.Count > 0)
        {
            logger.LogInformation(
                "Administrative change by {ActorKind} {ActorName}: {Changes} changes from {Rows} rows", actor.Kind, actor.Name, changes.Count, document.RowCount);
        }

        return new AdminResult([], changes, false);
    }

    /// <summary>Writes one audit row for a change made outside <see cref="ApplyAsync"/> (API keys), in the caller's save.</summary>
    public void Audit(Actor actor, string entity, string entityId, string action, object? before, object? after)
    {
        ArgumentNullException.ThrowIfNull(actor);
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = timeProvider.GetUtcNow().UtcDateTime,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = Truncate(actor.Name, 254),
            Entity = entity,
            EntityId = entityId,
            Action = action,
            Before = before is null ? null : JsonSerializer.Serialize(before, SnapshotJson),
            After = after is null ? null : JsonSerializer.Serialize(after, SnapshotJson),
        });
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record TitleSnapshot(string? ExternalId, string Slug, string Name, IReadOnlyList<string> Languages, bool Archived);

    private sealed record VendorSnapshot(string? ExternalId, string Name);

    private sealed record UserSnapshot(
        string? ExternalId, string Name, string Handle, IReadOnlyList<string> Emails, string Role, string? Vendor, bool Admin, IReadOnlyList<string> Languages, bool Active);

    private sealed record AssignmentSnapshot(string Vendor, string Title, IReadOnlyList<string> Languages, string? Primary);

    /// <summary>A change recorded while the rows are applied; the entity's id is read when the change is reported (after
    /// the save that gave a new entity its id).</summary>
    private sealed class PendingChange(string entity, Func<string> entityId, string key, string action, string? before, string? after)
    {
        public AdminChange Done() => new(entity, key, action, before, after);

        public AuditEntry ToAudit(Actor actor, DateTime now) => new()
        {
            AtUtc = now,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = Truncate(actor.Name, 254),
            Entity = entity,
            EntityId = entityId(),
            Action = action,
            Before = before,
            After = after,
        };
    }

    /// <summary>One apply: what is stored (tracked), the rows' errors and the changes made so far.</summary>
    private sealed class Run(GatewayDbContext db, ApplyOptions options, DateTime now)
    {
        private List<Title> _titles = [];
        private List<Vendor> _vendors = [];
        private List<User> _users = [];
        private List<VendorAssignment> _assignments = [];
        private Dictionary<string, (User User, string Where)> _emailOwners = [];
        private HashSet<string> _handles = [];
        private readonly HashSet<(int VendorId, int TitleId)> _followsWanted = [];

        public DateTime Now => now;
        public List<RowError> Errors { get; } = [];
        public List<PendingChange> Changes { get; } = [];

        public async Task LoadAsync(CancellationToken cancellationToken)
        {
            _titles = await db.Titles.Include(t => t.Languages).Include(t => t.Channels).ToListAsync(cancellationToken);
            _vendors = await db.Vendors.ToListAsync(cancellationToken);
            _users = await db.Users.Include(u => u.Emails).Include(u => u.Languages).ToListAsync(cancellationToken);
            _assignments = await db.VendorAssignments.ToListAsync(cancellationToken);
            _emailOwners = _users.SelectMany(u => u.Emails.Select(e => (e.Address, u)))
                .ToDictionary(x => x.Address, x => (x.u, $"user #{x.u.Id}"), StringComparer.Ordinal);
            _handles = _users.Select(u => u.Handle).ToHashSet(StringComparer.Ordinal);
        }

        public void Titles(List<TitleRow> rows)
        {
            var seen = new Dictionary<Title, int>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (!Begin(row, "titles", i, _titles, t => t.Id, t => t.ExternalId, seen, "title", out var title, out var errors))
                {
                    continue;
                }

                var creating = title is null;
                var slug = row.Slug;
                if (slug is not null)
                {
                    if (AdminText.SlugProblem(slug) is { } problem)
                    {
                        errors.Add("slug", problem);
                    }
                    else if (!creating && slug != title!.Slug)
                    {
                        errors.Add("slug", $"a title's slug cannot change (it is {title.Slug}): the links in mails already sent use it");
                    }
                    else if (creating && _titles.Any(t => t.Slug == slug))
                    {
                        errors.Add("slug", $"another title has the slug {slug}");
                    }
                }
                else if (creating)
                {
                    errors.Add("slug", "a new title needs a slug");
                }

                var name = CleanName(row.Name, creating, errors);
                var languages = Languages(row.Languages, errors);
                if (errors.Any)
                {
                    continue;
                }

                var before = title is null ? null : Snapshot(title);
                if (title is null)
                {
                    title = new Title { Slug = slug!, Name = name!, CreatedAtUtc = now };
                    _titles.Add(title);
                    db.Titles.Add(title);
                }

                title.ExternalId = row.ExternalId ?? title.ExternalId;
                title.Name = name ?? title.Name;
                if (languages is not null)
                {
                    foreach (var gone in title.Languages.Where(l => !languages.Contains(l.Language)).ToList())
                    {
                        title.Languages.Remove(gone);
                        RemoveAssignedLanguage(title, gone.Language);
                    }

                    title.Languages.AddRange(languages.Where(l => title.Languages.All(t => t.Language != l)).Select(l => new TitleLanguage { Language = l }));
                }

                // A language taken off a title keeps its channel: its messages stay readable to staff, and no vendor is
                // assigned it any more.
                TitleChannels.EnsureChannels(title);
                if (row.Archived is { } archived && archived != title.IsArchived)
                {
                    title.ArchivedAtUtc = archived ? now : null;
                }

                var after = Snapshot(title);
                var action = before is null ? "create"
                    : before.Archived != after.Archived ? (after.Archived ? "archive" : "unarchive")
                    : "update";
                Record("title", () => Id(title.Id), title.Slug, action, before, after);
            }
        }

        public void Vendors(List<VendorRow> rows)
        {
            var seen = new Dictionary<Vendor, int>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (!Begin(row, "vendors", i, _vendors, v => v.Id, v => v.ExternalId, seen, "vendor", out var vendor, out var errors))
                {
                    continue;
                }

                var name = CleanName(row.Name, vendor is null, errors);
                if (name is not null && _vendors.Any(v => v != vendor && string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add("name", $"another vendor is named {name}");
                }

                if (errors.Any)
                {
                    continue;
                }

                var before = vendor is null ? null : Snapshot(vendor);
                if (vendor is null)
                {
                    vendor = new Vendor { Name = name! };
                    _vendors.Add(vendor);
                    db.Vendors.Add(vendor);
                }

                vendor.ExternalId = row.ExternalId ?? vendor.ExternalId;
                vendor.Name = name ?? vendor.Name;
                Record("vendor", () => Id(vendor.Id), vendor.Name, before is null ? "create" : "update", before, Snapshot(vendor));
            }
        }

        public void Users(List<UserRow> rows)
        {
            var seen = new Dictionary<User, int>();
            var adminsTaken = new List<(int Index, int? Line, string Field, User User)>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (!Begin(row, "users", i, _users, u => u.Id, u => u.ExternalId, seen, "user", out var user, out var errors))
                {
                    continue;
                }

                var creating = user is null;
                var name = CleanName(row.Name, creating, errors);
                var emails = Emails(row.Emails, user, creating, errors);

                UserRole? role = null;
                if (row.Role is not null)
                {
                    role = row.Role.Trim().ToLowerInvariant() switch
                    {
                        "pm" => UserRole.Pm,
                        "cpc" => UserRole.Cpc,
                        "vendor" => UserRole.Vendor,
                        _ => null,
                    };
                    if (role is null)
                    {
                        errors.Add("role", $"'{row.Role}' is not a role: pm, cpc or vendor");
                    }
                }
                else if (creating)
                {
                    errors.Add("role", "a new user needs a role: pm, cpc or vendor");
                }

                Vendor? vendor = null;
                var vendorGiven = row.Vendor is not null || row.VendorId is not null;
                if (row.Vendor is not null)
                {
                    vendor = _vendors.FirstOrDefault(v => v.ExternalId == row.Vendor);
                    if (vendor is null)
                    {
                        errors.Add("vendor", $"no vendor has the external id {row.Vendor}");
                    }
                }
                else if (row.VendorId is { } vendorId)
                {
                    vendor = _vendors.FirstOrDefault(v => v.Id == vendorId);
                    if (vendor is null)
                    {
                        errors.Add("vendorId", $"no vendor has the id {vendorId}");
                    }
                }

                if (errors.Any)
                {
                    continue;
                }

                var effectiveRole = role ?? user!.Role;
                int? effectiveVendor = vendorGiven ? vendor!.Id : effectiveRole == UserRole.Vendor ? user?.VendorId : null;
                var effectiveAdmin = row.Admin ?? user?.IsAdmin ?? false;
                if (effectiveRole != UserRole.Vendor && vendorGiven)
                {
                    errors.Add("vendor", "a user cannot be a vendor's member and staff (pm or cpc) at once");
                }
                else if (effectiveRole == UserRole.Vendor && effectiveVendor is null)
                {
                    errors.Add("vendor", "a vendor user needs a vendor");
                }

                if (effectiveAdmin && effectiveRole == UserRole.Vendor)
                {
                    errors.Add("admin", "only staff (pm or cpc) can be admins");
                }

                if (!options.MayChangeRoles)
                {
                    if (creating ? effectiveAdmin : effectiveAdmin != user!.IsAdmin)
                    {
                        errors.Add("admin", "giving or taking the admin right needs the admin scope");
                    }

                    if (!creating && effectiveRole != user!.Role)
                    {
                        errors.Add("role", $"changing a user's role ({Role(user.Role)} to {Role(effectiveRole)}) needs the admin scope");
                    }
                }

                var handle = row.Handle?.Trim().ToLowerInvariant();
                if (handle is not null)
                {
                    if (AdminText.HandleProblem(handle) is { } problem)
                    {
                        errors.Add("handle", problem);
                    }
                    else if (handle != user?.Handle && _handles.Contains(handle))
                    {
                        errors.Add("handle", $"another user has the handle @{handle}");
                    }
                }

                var languages = Languages(row.Languages, errors);
                if (errors.Any)
                {
                    continue;
                }

                var before = user is null ? null : Snapshot(user);
                var wasActiveAdmin = user is { IsAdmin: true, IsActive: true };
                var previousVendor = user?.VendorId;
                if (user is null)
                {
                    handle ??= FreeHandle(AdminText.HandleFrom(emails![0]));
                    user = new User
                    {
                        Name = name!,
                        Handle = handle,
                        Role = effectiveRole,
                        CreatedAtUtc = now,
                        Settings = new UserSettings { InternalMessagesEnabled = effectiveRole != UserRole.Vendor },
                    };
                    _users.Add(user);
                    db.Users.Add(user);
                }

                if (handle is not null && handle != user.Handle)
                {
                    _handles.Remove(user.Handle);
                    user.Handle = handle;
                }

                _handles.Add(user.Handle);
                user.ExternalId = row.ExternalId ?? user.ExternalId;
                user.Name = name ?? user.Name;
                var rolesChanged = user.Role != effectiveRole || user.IsAdmin != effectiveAdmin || user.VendorId != effectiveVendor;
                user.Role = effectiveRole;
                user.VendorId = effectiveVendor;
                user.IsAdmin = effectiveAdmin;
                if (emails is not null)
                {
                    SetEmails(user, emails, $"users[{i}]");
                }

                if (languages is not null)
                {
                    user.Languages.RemoveAll(l => !languages.Contains(l.Language));
                    user.Languages.AddRange(languages.Where(l => user.Languages.All(u => u.Language != l)).Select(l => new UserLanguage { Language = l }));
                }

                var deactivated = row.Active is false && user.IsActive;
                user.IsActive = row.Active ?? user.IsActive;
                if (wasActiveAdmin && !(user.IsAdmin && user.IsActive))
                {
                    adminsTaken.Add((i, row.Line, user.IsAdmin ? "active" : "admin", user));
                }

                if (before is not null && (rolesChanged || deactivated))
                {
                    // Sessions carry what the user was: they end, and the next sign-in sees the new roles.
                    user.SecurityStamp = User.NewSecurityStamp();
                }

                if (effectiveVendor is { } followVendor && (creating || previousVendor != effectiveVendor))
                {
                    foreach (var assigned in _assignments.Where(a => a.VendorId == followVendor).Select(a => a.TitleId).Distinct())
                    {
                        _followsWanted.Add((followVendor, assigned));
                    }
                }

                var after = Snapshot(user);
                var action = before is null ? "create" : before.Active && !after.Active ? "deactivate" : !before.Active && after.Active ? "activate" : "update";
                Record("user", () => Id(user.Id), user.Emails.Where(e => e.IsPrimary).Select(e => e.Address).FirstOrDefault() ?? user.Handle, action, before, after);
            }

            // Checked once every row is applied, so a document may hand the right on in any order; one that leaves no
            // active admin would lock everyone out of the admin pages, and only the command line could undo it.
            if (adminsTaken.Count > 0 && !_users.Any(u => u.IsAdmin && u.IsActive))
            {
                foreach (var (index, line, field, taken) in adminsTaken)
                {
                    Errors.Add(new RowError("users", index, line, field,
                        $"{taken.Name} is the last active admin: {(field == "admin" ? "taking the admin right away" : "deactivating them")} would leave no active admin; make another active staff user an admin first, or in the same document"));
                }
            }
        }

        public void Assignments(List<AssignmentRow> rows)
        {
            var seen = new Dictionary<(int, int), int>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (row is null)
                {
                    Errors.Add(new RowError("assignments", i, null, "$", "a row is an object, not null"));
                    continue;
                }

                var errors = new RowErrors(Errors, "assignments", i, row.Line);
                var vendor = row.Vendor is not null ? _vendors.FirstOrDefault(v => v.ExternalId == row.Vendor)
                    : row.VendorId is { } vendorId ? _vendors.FirstOrDefault(v => v.Id == vendorId) : null;
                if (vendor is null)
                {
                    errors.Add(row.Vendor is null ? "vendorId" : "vendor",
                        row.Vendor is null && row.VendorId is null ? "an assignment names its vendor" : $"no vendor {row.Vendor ?? Id(row.VendorId!.Value)}");
                }

                var title = row.Title is not null ? _titles.FirstOrDefault(t => t.ExternalId == row.Title)
                    : row.TitleId is { } titleId ? _titles.FirstOrDefault(t => t.Id == titleId) : null;
                if (title is null)
                {
                    errors.Add(row.Title is null ? "titleId" : "title",
                        row.Title is null && row.TitleId is null ? "an assignment names its title" : $"no title {row.Title ?? Id(row.TitleId!.Value)}");
                }

                if (errors.Any)
                {
                    continue;
                }

                if (!seen.TryAdd((vendor!.Id, title!.Id), i))
                {
                    errors.Add("title", $"assignments[{seen[(vendor.Id, title.Id)]}] already assigns {vendor.Name} on {title.Slug}");
                    continue;
                }

                var languages = Languages(row.Languages, errors) ?? [];
                foreach (var language in languages.Where(l => title.Languages.All(t => t.Language != l)))
                {
                    errors.Add("languages", $"{title.Slug} has no language {language} (its languages: {string.Join(", ", title.Languages.Select(l => l.Language).Order(StringComparer.Ordinal))})");
                }

                string? primary = null;
                if (row.Primary is not null)
                {
                    if (!LanguageTag.TryCanonicalize(row.Primary, out primary))
                    {
                        errors.Add("primary", $"'{row.Primary}' is not a language tag such as fr or pt-BR");
                    }
                    else if (!languages.Contains(primary))
                    {
                        errors.Add("primary", $"the primary language {primary} is not one of the assignment's languages");
                    }
                }

                if (errors.Any)
                {
                    continue;
                }

                primary ??= languages.FirstOrDefault();
                var current = _assignments.Where(a => a.VendorId == vendor.Id && a.TitleId == title.Id).ToList();
                var before = current.Count == 0 ? null : Snapshot(vendor, title, current);
                foreach (var gone in current.Where(a => !languages.Contains(a.Language)))
                {
                    _assignments.Remove(gone);
                    db.VendorAssignments.Remove(gone);
                }

                foreach (var language in languages)
                {
                    var assignment = current.FirstOrDefault(a => a.Language == language);
                    if (assignment is null)
                    {
                        assignment = new VendorAssignment { VendorId = vendor.Id, TitleId = title.Id, Language = language };
                        _assignments.Add(assignment);
                        db.VendorAssignments.Add(assignment);
                    }

                    assignment.IsPrimary = language == primary;
                }

                var stored = _assignments.Where(a => a.VendorId == vendor.Id && a.TitleId == title.Id).ToList();
                var after = stored.Count == 0 ? null : Snapshot(vendor, title, stored);
                if (after is not null)
                {
                    _followsWanted.Add((vendor.Id, title.Id));
                }

                Record("assignment", () => $"{vendor.Id}:{title.Id}", $"{vendor.Name} on {title.Slug}",
                    before is null ? "create" : after is null ? "remove" : "update", before, after);
            }
        }

        /// <summary>A vendor's users follow the titles their vendor is assigned on, as they would after the demo seed: what
        /// is posted there reaches them by mail (their languages and settings still decide what they read).</summary>
        public async Task EnsureFollowsAsync(CancellationToken cancellationToken)
        {
            if (_followsWanted.Count == 0)
            {
                return;
            }

            var titleIds = _followsWanted.Select(f => f.TitleId).Distinct().ToList();
            var existing = (await db.Follows.AsNoTracking().Where(f => titleIds.Contains(f.TitleId)).Select(f => new { f.UserId, f.TitleId }).ToListAsync(cancellationToken))
                .Select(f => (f.UserId, f.TitleId)).ToHashSet();
            foreach (var (vendorId, titleId) in _followsWanted)
            {
                foreach (var user in _users.Where(u => u.VendorId == vendorId && u.IsActive && u.Id != 0))
                {
                    if (existing.Add((user.Id, titleId)))
                    {
                        db.Follows.Add(new Follow { UserId = user.Id, TitleId = titleId, CreatedAtUtc = now });
                    }
                }
            }
        }

        private void RemoveAssignedLanguage(Title title, string language)
        {
            foreach (var group in _assignments.Where(a => a.TitleId == title.Id).GroupBy(a => a.VendorId).ToList())
            {
                var gone = group.FirstOrDefault(a => a.Language == language);
                if (gone is null)
                {
                    continue;
                }

                var vendor = _vendors.First(v => v.Id == group.Key);
                var before = Snapshot(vendor, title, group.ToList());
                _assignments.Remove(gone);
                db.VendorAssignments.Remove(gone);
                var rest = group.Where(a => a != gone).ToList();
                if (gone.IsPrimary && rest.Count > 0)
                {
                    rest.OrderBy(a => a.Language, StringComparer.Ordinal).First().IsPrimary = true;
                }

                var after = rest.Count == 0 ? null : Snapshot(vendor, title, rest);
                Record("assignment", () => $"{vendor.Id}:{title.Id}", $"{vendor.Name} on {title.Slug}", after is null ? "remove" : "update", before, after);
            }
        }

        private void SetEmails(User user, List<string> emails, string where)
        {
            foreach (var gone in user.Emails.Where(e => !emails.Contains(e.Address) && e.AddedAtUtc is null).ToList())
            {
                // Addresses the user added and confirmed in the web stay: the production system does not know them.
                user.Emails.Remove(gone);
                _emailOwners.Remove(gone.Address);
            }

            foreach (var address in emails)
            {
                var email = user.Emails.FirstOrDefault(e => e.Address == address);
                if (email is null)
                {
                    // Vouched for by the production system or an admin: verified from the start.
                    email = new UserEmail { Address = address, VerifiedAtUtc = now };
                    user.Emails.Add(email);
                }

                email.IsPrimary = address == emails[0];
                _emailOwners[address] = (user, where);
            }

            foreach (var other in user.Emails.Where(e => !emails.Contains(e.Address)))
            {
                other.IsPrimary = false;
            }
        }

        private List<string>? Emails(List<string>? given, User? user, bool creating, RowErrors errors)
        {
            if (given is null)
            {
                if (creating)
                {
                    errors.Add("emails", "a new user needs at least one address");
                }

                return null;
            }

            if (given.Count is 0 or > AdminText.MaxEmails)
            {
                errors.Add("emails", $"a user has 1 to {AdminText.MaxEmails} addresses");
                return null;
            }

            var emails = new List<string>();
            foreach (var raw in given)
            {
                if (!EmailAddress.LooksValid(raw?.Trim()))
                {
                    errors.Add("emails", $"'{raw}' is not an email address");
                    continue;
                }

                var address = EmailAddress.Normalize(raw!);
                if (!address.All(char.IsAscii) && !address.Normalize(System.Text.NormalizationForm.FormC).Equals(address, StringComparison.Ordinal))
                {
                    errors.Add("emails", $"'{raw}' is not in Unicode normal form C");
                    continue;
                }

                if (emails.Contains(address))
                {
                    errors.Add("emails", $"{address} is listed twice");
                    continue;
                }

                if (_emailOwners.TryGetValue(address, out var owner) && owner.User != user)
                {
                    errors.Add("emails", $"{address} belongs to another user ({owner.Where})");
                    continue;
                }

                emails.Add(address);
            }

            return emails;
        }

        private static string? CleanName(string? name, bool required, RowErrors errors)
        {
            if (name is null)
            {
                if (required)
                {
                    errors.Add("name", "a name is needed");
                }

                return null;
            }

            var clean = AdminText.CleanName(name, out var problem);
            if (problem is not null)
            {
                errors.Add("name", problem);
            }

            return clean;
        }

        private static List<string>? Languages(List<string>? given, RowErrors errors)
        {
            if (given is null)
            {
                return null;
            }

            if (given.Count > AdminText.MaxLanguages)
            {
                errors.Add("languages", $"at most {AdminText.MaxLanguages} languages");
                return null;
            }

            var languages = new List<string>();
            foreach (var text in given)
            {
                if (!LanguageTag.TryCanonicalize(text, out var tag))
                {
                    errors.Add("languages", $"'{text}' is not a language tag such as fr or pt-BR");
                }
                else if (languages.Contains(tag))
                {
                    errors.Add("languages", $"{tag} is listed twice");
                }
                else
                {
                    languages.Add(tag);
                }
            }

            return languages;
        }

        /// <summary>Starts a row: a null row, or one naming an unknown entity or one an earlier row named, is an error.</summary>
        /// <param name="entity">The stored entity the row names, or null for a new one.</param>
        private bool Begin<T>(
            SyncRow? row, string section, int index, List<T> all, Func<T, int> id, Func<T, string?> externalId, Dictionary<T, int> seen, string what,
            out T? entity, out RowErrors errors)
            where T : class
        {
            entity = null;
            errors = new RowErrors(Errors, section, index, row?.Line);
            if (row is null)
            {
                errors.Add("$", "a row is an object, not null");
                return false;
            }

            entity = Resolve(row, all, id, externalId, errors, what);
            if (errors.Any)
            {
                return false;
            }

            if (entity is not null && !seen.TryAdd(entity, index))
            {
                errors.Add(row.ExternalId is null ? "id" : "externalId", $"{section}[{seen[entity]}] already names this {what}");
                return false;
            }

            return true;
        }

        /// <summary>The stored entity a row names (by id, else by external id), or null for a new one.</summary>
        private T? Resolve<T>(SyncRow row, List<T> all, Func<T, int> id, Func<T, string?> externalId, RowErrors errors, string what)
            where T : class
        {
            if (row.ExternalId is not null && AdminText.ExternalIdProblem(row.ExternalId) is { } problem)
            {
                errors.Add("externalId", problem);
                return null;
            }

            if (row.Id is { } wanted)
            {
                var found = all.FirstOrDefault(e => id(e) == wanted);
                if (found is null)
                {
                    errors.Add("id", $"no {what} has the id {wanted}");
                }
                else if (row.ExternalId is not null && all.FirstOrDefault(e => externalId(e) == row.ExternalId) is { } other && other != found)
                {
                    errors.Add("externalId", $"another {what} has the external id {row.ExternalId}");
                }
                else if (row.ExternalId is not null && externalId(found) is { } had && had != row.ExternalId)
                {
                    errors.Add("externalId", $"this {what}'s external id is {had}; it cannot change");
                }

                return found;
            }

            if (row.ExternalId is null)
            {
                if (options.RequireExternalIds)
                {
                    errors.Add("externalId", "every row names its entity by the production system's id");
                }

                return null;
            }

            return all.FirstOrDefault(e => externalId(e) == row.ExternalId);
        }

        private string FreeHandle(string wanted)
        {
            var handle = wanted;
            for (var n = 2; _handles.Contains(handle); n++)
            {
                handle = wanted + n.ToString(CultureInfo.InvariantCulture);
            }

            return handle;
        }

        private void Record<T>(string entity, Func<string> entityId, string key, string action, T? before, T? after)
            where T : class
        {
            var beforeJson = before is null ? null : JsonSerializer.Serialize(before, SnapshotJson);
            var afterJson = after is null ? null : JsonSerializer.Serialize(after, SnapshotJson);
            if (beforeJson != afterJson)
            {
                Changes.Add(new PendingChange(entity, entityId, key, action, beforeJson, afterJson));
            }
        }

        private static TitleSnapshot Snapshot(Title title) => new(
            title.ExternalId, title.Slug, title.Name, title.Languages.Select(l => l.Language).Order(StringComparer.Ordinal).ToList(), title.IsArchived);

        private static VendorSnapshot Snapshot(Vendor vendor) => new(vendor.ExternalId, vendor.Name);

        private UserSnapshot Snapshot(User user) => new(
            user.ExternalId,
            user.Name,
            user.Handle,
            user.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Address, StringComparer.Ordinal).Select(e => e.Address).ToList(),
            Role(user.Role),
            user.VendorId is { } vendorId ? _vendors.FirstOrDefault(v => v.Id == vendorId)?.Name : null,
            user.IsAdmin,
            user.Languages.Select(l => l.Language).Order(StringComparer.Ordinal).ToList(),
            user.IsActive);

        private static AssignmentSnapshot Snapshot(Vendor vendor, Title title, List<VendorAssignment> rows) => new(
            vendor.Name, title.Slug, rows.Select(a => a.Language).Order(StringComparer.Ordinal).ToList(), rows.FirstOrDefault(a => a.IsPrimary)?.Language);

        private static string Role(UserRole role) => role.ToString().ToLowerInvariant();

        private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The errors of one row, added to the document's list.</summary>
    private sealed class RowErrors(List<RowError> all, string section, int index, int? line)
    {
        public bool Any { get; private set; }

        public void Add(string field, string reason)
        {
            Any = true;
            all.Add(new RowError(section, index, line, field, reason));
        }
    }
}
