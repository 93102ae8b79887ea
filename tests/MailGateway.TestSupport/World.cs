using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.TestSupport;

/// <summary>Builds a small title with users for one test: each test owns its data.</summary>
public sealed class World(TestDatabase database)
{
    private int _counter;

    public async Task<Title> TitleAsync(params string[] languages)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var title = new Title { Slug = $"title-{id}", Name = $"Title {id}", CreatedAtUtc = DateTime.UtcNow };
        title.Languages.AddRange(languages.Select(l => new TitleLanguage { Language = LanguageTag.Canonicalize(l) }));
        TitleChannels.EnsureChannels(title);
        await SaveAsync(db => db.Titles.Add(title));
        return title;
    }

    public async Task<Vendor> VendorAsync(Title title, params string[] languages)
    {
        var vendor = new Vendor { Name = $"Vendor {Guid.NewGuid():N}" };
        vendor.Assignments.AddRange(languages.Select(l => new VendorAssignment { TitleId = title.Id, Language = LanguageTag.Canonicalize(l) }));
        await SaveAsync(db => db.Vendors.Add(vendor));
        return vendor;
    }

    public async Task<User> UserAsync(UserRole role, Vendor? vendor = null, string[]? languages = null, bool internalOn = true, bool active = true)
    {
        var n = Interlocked.Increment(ref _counter);
        var handle = $"u{n}-{Guid.NewGuid().ToString("N")[..6]}";
        var user = new User
        {
            Name = $"User {handle}",
            Handle = handle,
            Role = role,
            VendorId = vendor?.Id,
            IsActive = active,
            CreatedAtUtc = DateTime.UtcNow,
            Settings = new UserSettings { InternalMessagesEnabled = internalOn },
        };
        user.Emails.Add(new UserEmail { Address = $"{handle}@clp.test", IsPrimary = true, VerifiedAtUtc = DateTime.UtcNow });
        user.Languages.AddRange((languages ?? []).Select(l => new UserLanguage { Language = LanguageTag.Canonicalize(l) }));
        await SaveAsync(db => db.Users.Add(user));
        return user;
    }

    public static Channel Channel(Title title, string key) => title.Channels.Single(c => c.Key == key);

    public async Task SaveAsync(Action<GatewayDbContext> change)
    {
        await using var scope = database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        change(db);
        await db.SaveChangesAsync();
    }

    public async Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query)
    {
        await using var scope = database.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<GatewayDbContext>());
    }

    public Task<int> CountAsync<TEntity>()
        where TEntity : class => QueryAsync(db => db.Set<TEntity>().CountAsync());
}
