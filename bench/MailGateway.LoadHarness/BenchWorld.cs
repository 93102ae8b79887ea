using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.LoadHarness;

/// <summary>Seeds a bench database directly (no demo data): one title with its channels, one vendor per language
/// assigned on it, and users with verified addresses at the bench domain. Addresses are stable across runs so the
/// mail servers reuse the same mailboxes.</summary>
internal static class BenchWorld
{
    public static async Task<Title> TitleAsync(HarnessDatabase database, string slug, IReadOnlyList<string> languages, CancellationToken cancellationToken)
    {
        await using var scope = database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var title = new Title { Slug = slug, Name = "Bench " + slug, CreatedAtUtc = DateTime.UtcNow };
        title.Languages.AddRange(languages.Select(l => new TitleLanguage { Language = l }));
        TitleChannels.EnsureChannels(title);
        db.Titles.Add(title);
        await db.SaveChangesAsync(cancellationToken);
        return title;
    }

    /// <summary>A vendor assigned these languages on the title.</summary>
    public static async Task<Vendor> VendorAsync(HarnessDatabase database, Title title, string name, IReadOnlyList<string> languages, CancellationToken cancellationToken)
    {
        await using var scope = database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var vendor = new Vendor { Name = name };
        vendor.Assignments.AddRange(languages.Select(l => new VendorAssignment { TitleId = title.Id, Language = l }));
        db.Vendors.Add(vendor);
        await db.SaveChangesAsync(cancellationToken);
        return vendor;
    }

    /// <summary>Users (<c>LOCALPART@clp.test</c>) following the title, all mail immediate, in one transaction;
    /// <paramref name="readerLanguage"/> is each one's language in settings (null: none chosen).</summary>
    public static async Task<List<User>> UsersAsync(
        HarnessDatabase database, Title title, IEnumerable<(string LocalPart, UserRole Role, Vendor? Vendor, string[] Languages)> people, CancellationToken cancellationToken,
        string? readerLanguage = null)
    {
        await using var scope = database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var now = DateTime.UtcNow;
        var users = people.Select(p => NewUser(p.LocalPart, p.Role, p.Vendor?.Id, p.Languages, now)).ToList();
        users.ForEach(u => u.Settings!.Language = readerLanguage);
        db.Users.AddRange(users);
        await db.SaveChangesAsync(cancellationToken);
        db.Follows.AddRange(users.Select(u => new Follow { UserId = u.Id, TitleId = title.Id, CreatedAtUtc = now }));
        await db.SaveChangesAsync(cancellationToken);
        return users;
    }

    public static Channel Channel(Title title, string key) => title.Channels.Single(c => c.Key == key);

    /// <summary>An active user <c>LOCALPART@clp.test</c> with a verified primary address and these languages; staff get
    /// Internal messages on.</summary>
    public static User NewUser(string localPart, UserRole role, int? vendorId, IEnumerable<string> languages, DateTime now)
    {
        var handle = localPart.ToLowerInvariant();
        var user = new User
        {
            Name = "Bench " + handle,
            Handle = handle,
            Role = role,
            VendorId = vendorId,
            IsActive = true,
            CreatedAtUtc = now,
            Settings = new UserSettings { InternalMessagesEnabled = role != UserRole.Vendor },
        };
        user.Emails.Add(new UserEmail { Address = $"{handle}@{HarnessContext.Domain}", IsPrimary = true, VerifiedAtUtc = now });
        user.Languages.AddRange(languages.Select(l => new UserLanguage { Language = LanguageTag.Canonicalize(l) }));
        return user;
    }
}
