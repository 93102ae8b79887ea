using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.LoadHarness;

/// <summary>A realistic small platform in a bench database: titles in five languages, one vendor per language, staff
/// and vendor users who follow their titles (so a reply fans out to a handful of notifications), and one reply token
/// per user and channel they write to, issued through the gateway's own ReplyTokenService.</summary>
internal sealed class IngestWorld
{
    public static readonly string[] Languages = ["fr", "de", "ja", "es", "pt-BR"];

    /// <summary>A user who replies, their address, and their reply token per title (vendor channel, or Internal for staff).</summary>
    public sealed record Replier(int UserId, string Address, string Language, bool IsInternal, IReadOnlyList<string> Tokens);

    public List<Replier> Vendors { get; } = [];

    public List<Replier> Staff { get; } = [];

    /// <summary>Seeds <paramref name="titles"/> titles with <paramref name="usersPerVendor"/> users per vendor and two
    /// staff users per title, everyone following the titles they work on.</summary>
    public static async Task<IngestWorld> SeedAsync(HarnessDatabase database, int titles, int usersPerVendor, CancellationToken cancellationToken)
    {
        var world = new IngestWorld();
        var now = DateTime.UtcNow;
        var titleRows = new List<Title>();
        var users = new List<(User User, string Language, bool Internal, int? OnlyTitle)>();
        await using (var scope = database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            for (var t = 0; t < titles; t++)
            {
                var title = new Title { Slug = $"bench-title-{t + 1}", Name = $"Bench Title {t + 1}", CreatedAtUtc = now };
                title.Languages.AddRange(Languages.Select(l => new TitleLanguage { Language = LanguageTag.Canonicalize(l) }));
                TitleChannels.EnsureChannels(title);
                titleRows.Add(title);
                db.Titles.Add(title);
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var language in Languages)
            {
                var vendor = new Vendor { Name = $"Bench Vendor {language}" };
                vendor.Assignments.AddRange(titleRows.Select(t => new VendorAssignment { TitleId = t.Id, Language = LanguageTag.Canonicalize(language) }));
                db.Vendors.Add(vendor);
                await db.SaveChangesAsync(cancellationToken);
                for (var u = 0; u < usersPerVendor; u++)
                {
                    users.Add((BenchWorld.NewUser($"bench-{language.ToLowerInvariant()}-{u + 1}", UserRole.Vendor, vendor.Id, [language], now), language, false, null));
                }
            }

            for (var t = 0; t < titles; t++)
            {
                users.Add((BenchWorld.NewUser($"bench-pm-{t + 1}", UserRole.Pm, null, [], now), "en", true, t));
                users.Add((BenchWorld.NewUser($"bench-cpc-{t + 1}", UserRole.Cpc, null, [], now), "en", true, t));
            }

            db.Users.AddRange(users.Select(u => u.User));
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (user, _, _, onlyTitle) in users)
            {
                foreach (var title in titleRows.Where((_, i) => onlyTitle is null || onlyTitle == i))
                {
                    db.Follows.Add(new Follow { UserId = user.Id, TitleId = title.Id, CreatedAtUtc = now });
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await using (var scope = database.Scope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<ReplyTokenService>();
            foreach (var (user, language, isInternal, onlyTitle) in users)
            {
                var issued = new List<string>();
                foreach (var title in titleRows.Where((_, i) => onlyTitle is null || onlyTitle == i))
                {
                    var key = isInternal ? "internal" : "vendor-" + LanguageTag.Canonicalize(language).ToLowerInvariant();
                    var channel = title.Channels.Single(c => c.Key == key);
                    issued.Add(await tokens.IssueAsync(user.Id, channel.Id, cancellationToken));
                }

                var replier = new Replier(user.Id, user.Emails[0].Address, language, isInternal, issued);
                (isInternal ? world.Staff : world.Vendors).Add(replier);
            }
        }

        return world;
    }

    public static async Task<int> CountAsync<T>(HarnessDatabase database, Func<IQueryable<T>, Task<int>> query)
        where T : class
    {
        await using var scope = database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        return await query(db.Set<T>().AsNoTracking());
    }
}
