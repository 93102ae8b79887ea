using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Demo;

/// <summary>Creates the demo world (<see cref="DemoData"/>). Idempotent: what exists is left as it is, so running it
/// again adds nothing twice; the report always lists the whole demo world as it is in the database. The demo's message
/// history counts as already notified: a new installation does not mail it to every demo mailbox.</summary>
public sealed class DemoSeeder(GatewayDbContext db, MessagePoster poster, TimeProvider timeProvider)
{
    public async Task<IReadOnlyList<SeedLine>> SeedAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;

        // All or nothing: a seed that fails half-way must not leave titles without their demo messages.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var vendors = await EnsureVendorsAsync(cancellationToken);
        var (titles, newTitles) = await EnsureTitlesAsync(now, cancellationToken);
        await EnsureAssignmentsAsync(vendors, titles, cancellationToken);
        var users = await EnsureUsersAsync(vendors, now, cancellationToken);
        await EnsureFollowsAsync(users, titles, now, cancellationToken);
        await PostMessagesAsync(newTitles, titles, users, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ReportAsync(cancellationToken);
    }

    private async Task<Dictionary<string, Vendor>> EnsureVendorsAsync(CancellationToken cancellationToken)
    {
        var names = DemoData.Vendors.Select(v => v.Name).ToList();
        var existing = await db.Vendors.Where(v => names.Contains(v.Name)).ToDictionaryAsync(v => v.Name, cancellationToken);
        foreach (var name in names.Where(n => !existing.ContainsKey(n)))
        {
            existing[name] = db.Vendors.Add(new Vendor { Name = name }).Entity;
        }

        await db.SaveChangesAsync(cancellationToken);
        return existing;
    }

    private async Task<(Dictionary<string, Title> All, HashSet<string> New)> EnsureTitlesAsync(DateTime now, CancellationToken cancellationToken)
    {
        var slugs = DemoData.Titles.Select(t => t.Slug).ToList();
        var titles = await db.Titles.Include(t => t.Languages).Include(t => t.Channels)
            .Where(t => slugs.Contains(t.Slug)).ToDictionaryAsync(t => t.Slug, cancellationToken);
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var demo in DemoData.Titles.Where(t => !titles.ContainsKey(t.Slug)))
        {
            var title = new Title { Slug = demo.Slug, Name = demo.Name, CreatedAtUtc = now };
            title.Languages.AddRange(demo.Languages.Select(l => new TitleLanguage { Language = LanguageTag.Canonicalize(l) }));
            TitleChannels.EnsureChannels(title);
            titles[demo.Slug] = db.Titles.Add(title).Entity;
            created.Add(demo.Slug);
        }

        await db.SaveChangesAsync(cancellationToken);
        return (titles, created);
    }

    private async Task EnsureAssignmentsAsync(Dictionary<string, Vendor> vendors, Dictionary<string, Title> titles, CancellationToken cancellationToken)
    {
        var existing = (await db.VendorAssignments.AsNoTracking().ToListAsync(cancellationToken))
            .Select(a => (a.VendorId, a.TitleId, a.Language)).ToHashSet();
        foreach (var demo in DemoData.Vendors)
        {
            foreach (var (slug, languages) in demo.Titles)
            {
                foreach (var language in languages.Select(LanguageTag.Canonicalize))
                {
                    var key = (vendors[demo.Name].Id, titles[slug].Id, language);
                    if (existing.Add(key))
                    {
                        // The first language listed for a vendor on a title is its primary one there.
                        db.VendorAssignments.Add(new VendorAssignment
                        {
                            VendorId = key.Item1, TitleId = key.Item2, Language = language, IsPrimary = language == LanguageTag.Canonicalize(languages[0]),
                        });
                    }
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<Dictionary<string, User>> EnsureUsersAsync(Dictionary<string, Vendor> vendors, DateTime now, CancellationToken cancellationToken)
    {
        var emails = DemoData.Users.Select(u => u.Email).ToList();
        var users = await db.UserEmails.Where(e => emails.Contains(e.Address))
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e.Address, User = u })
            .ToDictionaryAsync(x => x.Address, x => x.User, cancellationToken);
        foreach (var demo in DemoData.Users.Where(u => !users.ContainsKey(u.Email)))
        {
            var user = new User
            {
                Name = demo.Name,
                Handle = demo.Handle,
                Role = demo.Role,
                VendorId = demo.Vendor is null ? null : vendors[demo.Vendor].Id,
                IsAdmin = demo.IsAdmin,
                CreatedAtUtc = now,
                Settings = new UserSettings { InternalMessagesEnabled = demo.Role != UserRole.Vendor },
            };
            user.Emails.Add(new UserEmail { Address = demo.Email, IsPrimary = true, VerifiedAtUtc = now });
            user.Languages.AddRange(demo.Languages.Select(l => new UserLanguage { Language = LanguageTag.Canonicalize(l) }));
            users[demo.Email] = db.Users.Add(user).Entity;
        }

        await db.SaveChangesAsync(cancellationToken);
        return users;
    }

    private async Task EnsureFollowsAsync(Dictionary<string, User> users, Dictionary<string, Title> titles, DateTime now, CancellationToken cancellationToken)
    {
        var existing = (await db.Follows.AsNoTracking().ToListAsync(cancellationToken)).Select(f => (f.UserId, f.TitleId)).ToHashSet();
        foreach (var demo in DemoData.Users)
        {
            var worksOn = demo.Vendor is null
                ? DemoData.Titles.Select(t => t.Slug)
                : DemoData.Vendors.Single(v => v.Name == demo.Vendor).Titles
                    .Where(t => t.Value.Intersect(demo.Languages, StringComparer.OrdinalIgnoreCase).Any()).Select(t => t.Key);
            foreach (var slug in worksOn)
            {
                if (existing.Add((users[demo.Email].Id, titles[slug].Id)))
                {
                    db.Follows.Add(new Follow { UserId = users[demo.Email].Id, TitleId = titles[slug].Id, CreatedAtUtc = now });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task PostMessagesAsync(
        HashSet<string> newTitles, Dictionary<string, Title> titles, Dictionary<string, User> users, CancellationToken cancellationToken)
    {
        var posted = new List<long>();
        foreach (var demo in DemoData.Messages.Where(m => newTitles.Contains(m.Title)))
        {
            var channel = titles[demo.Title].Channels.Single(c => c.Key == demo.Channel);
            var result = await poster.PostAsync(
                new PostRequest(users[demo.Author].Id, channel.Id, demo.Text, [], MessageOrigin.Web), cancellationToken);
            if (result.Error is { } error)
            {
                throw new InvalidOperationException($"Demo message in {demo.Title}/{demo.Channel} by {demo.Author} was refused: {error.Message}");
            }

            posted.Add(result.Message!.Id);
        }

        // History, not news: nobody is mailed about it.
        await db.PendingFanouts.Where(f => posted.Contains(f.MessageId)).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<SeedLine>> ReportAsync(CancellationToken cancellationToken)
    {
        var lines = new List<SeedLine>();
        var slugs = DemoData.Titles.Select(t => t.Slug).ToList();
        var titles = await db.Titles.AsNoTracking().Include(t => t.Languages).Where(t => slugs.Contains(t.Slug))
            .OrderBy(t => t.Id).ToListAsync(cancellationToken);
        lines.AddRange(titles.Select(t => new SeededTitle(t.Slug, t.Name, t.Languages.Select(l => l.Language).Order(StringComparer.Ordinal).ToList())));

        var vendorNames = DemoData.Vendors.Select(v => v.Name).ToList();
        var vendors = await db.Vendors.AsNoTracking().Include(v => v.Assignments).Where(v => vendorNames.Contains(v.Name))
            .OrderBy(v => v.Id).ToListAsync(cancellationToken);
        var slugById = titles.ToDictionary(t => t.Id, t => t.Slug);
        lines.AddRange(vendors.Select(v => new SeededVendor(
            v.Name,
            v.Assignments.Where(a => slugById.ContainsKey(a.TitleId)).GroupBy(a => slugById[a.TitleId])
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(a => a.Language).Order(StringComparer.Ordinal).ToList()))));

        var emails = DemoData.Users.Select(u => u.Email).ToList();
        var users = await db.UserEmails.AsNoTracking().Where(e => emails.Contains(e.Address))
            .Select(e => new { e.Address, e.UserId, e.User!.Name, e.User.Role, Vendor = e.User.Vendor != null ? e.User.Vendor.Name : null })
            .OrderBy(x => x.UserId).ToListAsync(cancellationToken);
        lines.AddRange(users.Select(u => new SeededUser(u.Address, u.Name, u.Role.ToString().ToLowerInvariant(), u.Vendor)));
        return lines;
    }
}
