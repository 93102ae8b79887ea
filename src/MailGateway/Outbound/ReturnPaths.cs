using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Mail;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Outbound;

/// <summary>
/// VERP: each notification and digest goes out with a return path of its own,
/// <c>{reply local part}+bounces-{id}-{mac}@domain</c>, where id is random and mac is an HMAC of it under the reply-token
/// keys. A bounce counts only when it comes back to such an address (into the gateway mailbox, like replies) and names
/// the recipient of the mail that address was given to; anything else that looks like a bounce changes nothing. Pure.
/// </summary>
public static class ReturnPaths
{
    private const string Marker = "bounces-";
    private const int IdBytes = 8;
    private const int MacBytes = 8;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("clp-verp-v1");

    /// <summary>A new return path (random id), signed with the current key.</summary>
    public static string Create(MailOptions mail, ReplyTokenOptions keys)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(keys);
        var key = Key(keys, keys.CurrentKeyId) ?? throw new InvalidOperationException($"ReplyTokens:CurrentKeyId '{keys.CurrentKeyId}' names no usable key.");
        Span<byte> id = stackalloc byte[IdBytes];
        RandomNumberGenerator.Fill(id);
        var idText = Base32.Encode(id);
        return $"{mail.ReplyLocalPart}+{Marker}{keys.CurrentKeyId}{idText}-{Mac(key, keys.CurrentKeyId + idText)}@{mail.Domain}";
    }

    /// <summary>True, with the address as stored on its mail (lower case), when <paramref name="address"/> is a return path
    /// we made under a configured key.</summary>
    public static bool TryVerify(MailOptions mail, ReplyTokenOptions keys, string? address, [NotNullWhen(true)] out string? returnPath)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(keys);
        returnPath = null;
        var normalized = address?.Trim().Trim('<', '>').ToLowerInvariant();
        var prefix = $"{mail.ReplyLocalPart}+{Marker}";
        var suffix = "@" + mail.Domain.ToLowerInvariant();
        if (normalized is null || normalized.Length > 254 || !normalized.StartsWith(prefix, StringComparison.Ordinal) || !normalized.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = normalized[prefix.Length..^suffix.Length];
        var dash = body.LastIndexOf('-');
        if (dash < 2)
        {
            return false;
        }

        var signed = body[..dash];
        foreach (var (keyId, secret) in keys.Keys)
        {
            if (signed.StartsWith(keyId, StringComparison.Ordinal) && ReplyTokenOptionsValidator.Decode(secret) is { } key
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(key, signed)), Encoding.ASCII.GetBytes(body[(dash + 1)..])))
            {
                returnPath = normalized;
                return true;
            }
        }

        return false;
    }

    private static string Mac(byte[] key, string signed)
    {
        var data = new byte[Context.Length + signed.Length];
        Context.CopyTo(data, 0);
        Encoding.ASCII.GetBytes(signed, data.AsSpan(Context.Length));
        return Base32.Encode(HMACSHA256.HashData(key, data).AsSpan(0, MacBytes));
    }

    private static byte[]? Key(ReplyTokenOptions keys, string keyId) =>
        keys.Keys.TryGetValue(keyId, out var secret) ? ReplyTokenOptionsValidator.Decode(secret) : null;
}
