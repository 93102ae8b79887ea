using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Administration;

/// <summary>Makes, checks and revokes the sync API's bearer keys. A key reads <c>clp_PREFIX_SECRET</c>: the prefix (8
/// random hex digits) finds its row, the secret is 256 random bits; only the SHA-256 of the whole text is stored, so the
/// key is shown once, when it is made.</summary>
public sealed class ApiKeyService(GatewayDbContext db, AdministrationService administration, TimeProvider timeProvider)
{
    private const string KeyStart = "clp_";

    /// <summary>How often the last use of a key is written: every request would make the API a stream of writes.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public sealed record CreatedKey(ApiKey Key, string Text);

    public async Task<CreatedKey> CreateAsync(string name, IReadOnlyCollection<string> scopes, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(actor);
        var clean = AdminText.CleanName(name, out var problem) ?? throw new ArgumentException("The key's name: " + problem, nameof(name));
        if (clean.Length > 100)
        {
            throw new ArgumentException("A key's name has at most 100 characters.", nameof(name));
        }

        if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s)))
        {
            throw new ArgumentException($"A key has one or more scopes of: {string.Join(", ", ApiScopes.All)}.", nameof(scopes));
        }

        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var text = KeyStart + prefix + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = clean,
            Prefix = prefix,
            SecretHash = Hash(text),
            Scopes = string.Join(' ', ApiScopes.All.Where(scopes.Contains)),
            CreatedAtUtc = timeProvider.GetUtcNow().UtcDateTime,
            CreatedByUserId = actor.Kind == "user" ? actor.Id : null,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        administration.Audit(actor, "api_key", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "create", null, Describe(key));
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedKey(key, text);
    }

    /// <returns>False when there is no such key or it was revoked already.</returns>
    public async Task<bool> RevokeAsync(int keyId, Actor actor, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null || key.RevokedAtUtc is not null)
        {
            return false;
        }

        var before = Describe(key);
        key.RevokedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
        administration.Audit(actor, "api_key", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "revoke", before, Describe(key));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The live key <paramref name="text"/> is, or null (unknown, malformed, revoked). Records its use.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string? text, CancellationToken cancellationToken)
    {
        if (text is null || text.Length > 100 || !text.StartsWith(KeyStart, StringComparison.Ordinal) || text.Length < KeyStart.Length + 10
            || text[KeyStart.Length + 8] != '_')
        {
            return null;
        }

        var prefix = text.Substring(KeyStart.Length, 8);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null || key.RevokedAtUtc is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(text)), Encoding.ASCII.GetBytes(key.SecretHash)))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (key.LastUsedAtUtc is not { } last || now - last >= LastUseResolution)
        {
            key.LastUsedAtUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return key;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static object Describe(ApiKey key) => new { key.Name, key.Prefix, key.Scopes, Revoked = key.RevokedAtUtc is not null };
}
