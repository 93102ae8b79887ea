using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Tokens;

/// <summary>Issues, verifies and revokes reply tokens. A token is random and stored (so it can be revoked one by one)
/// and signed (so it cannot be guessed or altered, and a key rotation revokes a whole generation).</summary>
public sealed class ReplyTokenService(GatewayDbContext db, LookupCache cache, IOptions<ReplyTokenOptions> options, TimeProvider timeProvider)
{
    /// <summary>The token for this user and channel: the existing live one under the current key, or a new one.</summary>
    public async Task<string> IssueAsync(int userId, int channelId, CancellationToken cancellationToken)
    {
        var keyId = options.Value.CurrentKeyId;
        var existing = await db.ReplyTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.ChannelId == channelId && t.KeyId == keyId && t.RevokedAtUtc == null)
            .OrderBy(t => t.CreatedAtUtc)
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            await db.ReplyTokens.Where(t => t.Id == existing.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RenewedAtUtc, timeProvider.GetUtcNow().UtcDateTime), cancellationToken);
            return TokenCodec.Encode(keyId, Key(keyId)!, existing.Id, userId, channelId);
        }

        var token = new ReplyToken
        {
            Id = RandomId(),
            UserId = userId,
            ChannelId = channelId,
            KeyId = keyId,
            CreatedAtUtc = timeProvider.GetUtcNow().UtcDateTime,
        };
        db.ReplyTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return TokenCodec.Encode(keyId, Key(keyId)!, token.Id, userId, channelId);
    }

    /// <summary>The tokens of many users for one channel, as <see cref="IssueAsync"/> would give them one by one, in one
    /// query for the channel's live tokens under the current key. The missing ones are added to the DbContext, not saved,
    /// and so are the renewals of existing ones last renewed over a day ago: the caller saves them with its other rows
    /// (the notification fan-out renders its mails before it takes the write lock).</summary>
    public async Task<IReadOnlyDictionary<int, string>> IssueManyAsync(int channelId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var keyId = options.Value.CurrentKeyId;
        var key = Key(keyId) ?? throw new InvalidOperationException($"ReplyTokens:CurrentKeyId '{keyId}' has no usable key.");
        var result = new Dictionary<int, string>(userIds.Count);
        if (userIds.Count == 0)
        {
            return result;
        }

        var wanted = userIds.ToHashSet();
        // The oldest live token of each user of the channel; kept for the inbound group (and updated below) while the
        // lookup cache is active.
        var live = cache.Peek<Dictionary<int, (long Id, DateTime Renewed)>>("channel-tokens", (channelId, keyId));
        if (live is null)
        {
            live = [];
            var existing = await db.ReplyTokens.AsNoTracking()
                .Where(t => t.ChannelId == channelId && t.KeyId == keyId && t.RevokedAtUtc == null)
                .OrderBy(t => t.CreatedAtUtc)
                .Select(t => new { t.Id, t.UserId, Renewed = t.RenewedAtUtc ?? t.CreatedAtUtc })
                .ToListAsync(cancellationToken);
            foreach (var row in existing)
            {
                live.TryAdd(row.UserId, (row.Id, row.Renewed));
            }

            cache.Put("channel-tokens", (channelId, keyId), live);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        foreach (var userId in wanted)
        {
            if (live.TryGetValue(userId, out var token))
            {
                result[userId] = TokenCodec.Encode(keyId, key, token.Id, userId, channelId);
                // Renewed at most once a day: a lifetime counted in months needs no more, and each renewal is a write.
                if (token.Renewed < now.AddDays(-1))
                {
                    var renewed = new ReplyToken { Id = token.Id, UserId = userId, ChannelId = channelId, KeyId = keyId, RenewedAtUtc = now };
                    db.ReplyTokens.Attach(renewed).Property(t => t.RenewedAtUtc).IsModified = true;
                    live[userId] = (token.Id, now);
                }
            }
        }

        var added = new List<ReplyToken>();
        foreach (var userId in wanted.Where(u => !result.ContainsKey(u)))
        {
            var token = new ReplyToken { Id = RandomId(), UserId = userId, ChannelId = channelId, KeyId = keyId, CreatedAtUtc = now };
            added.Add(token);
            result[userId] = TokenCodec.Encode(keyId, key, token.Id, userId, channelId);
        }

        if (added.Count > 0)
        {
            db.ReplyTokens.AddRange(added);
            foreach (var token in added)
            {
                live[token.UserId] = (token.Id, now);
            }
        }

        return result;
    }

    public async Task<TokenVerification> VerifyAsync(string? token, CancellationToken cancellationToken)
    {
        if (!TokenCodec.TryDecode(token, out var keyId, out var id, out var mac))
        {
            return TokenVerification.Failed(TokenProblem.Malformed);
        }

        if (Key(keyId) is not { } key)
        {
            return TokenVerification.Failed(TokenProblem.UnknownKey);
        }

        var row = await cache.GetAsync("token", id, () => db.ReplyTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken));
        if (row is null || row.KeyId != keyId || !TokenCodec.MacMatches(key, id, row.UserId, row.ChannelId, mac))
        {
            return TokenVerification.Failed(TokenProblem.Forged);
        }

        var problem = row.RevokedAtUtc is not null ? TokenProblem.Revoked
            : (row.RenewedAtUtc ?? row.CreatedAtUtc) + options.Value.Lifetime < timeProvider.GetUtcNow().UtcDateTime ? TokenProblem.Expired
            : TokenProblem.None;
        return new TokenVerification(problem, row.Id, row.UserId, row.ChannelId);
    }

    /// <summary>Revokes every live token of a user (lost device, left the vendor). Returns how many.</summary>
    public Task<int> RevokeUserAsync(int userId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return db.ReplyTokens.Where(t => t.UserId == userId && t.RevokedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAtUtc, now), cancellationToken);
    }

    public async Task<bool> RevokeAsync(string token, CancellationToken cancellationToken)
    {
        var verification = await VerifyAsync(token, cancellationToken);
        if (!verification.IsValid)
        {
            return false;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        return await db.ReplyTokens.Where(t => t.Id == verification.TokenId && t.RevokedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAtUtc, now), cancellationToken) == 1;
    }

    private byte[]? Key(string keyId) =>
        options.Value.Keys.TryGetValue(keyId, out var secret) ? ReplyTokenOptionsValidator.Decode(secret) : null;

    private static long RandomId()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToInt64(bytes) & long.MaxValue;
    }
}
