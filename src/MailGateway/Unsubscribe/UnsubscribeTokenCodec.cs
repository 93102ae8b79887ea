using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Unsubscribe;

/// <summary>
/// The token of an RFC 8058 one-click unsubscribe link: <c>&lt;key id&gt;_&lt;base32(user ‖ kind ‖ mac)&gt;</c>, where mac is
/// the first 16 bytes of HMAC-SHA256(key, "clp-unsub-v1" ‖ user ‖ kind) under the reply-token keys
/// (<see cref="ReplyTokenOptions"/>). Nothing is stored: the link is unforgeable, works without a session, and a key
/// rotation that removes a key retires its links. Lower case, about 40 characters. Pure.
/// </summary>
public static class UnsubscribeTokenCodec
{
    public const int MacBytes = 16;
    private const int PayloadBytes = 4 + 1 + MacBytes;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("clp-unsub-v1");

    /// <summary>The token for a user and channel kind, signed with the current key.</summary>
    public static string Encode(ReplyTokenOptions options, int userId, ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = Key(options, options.CurrentKeyId)
            ?? throw new InvalidOperationException($"ReplyTokens:CurrentKeyId '{options.CurrentKeyId}' names no usable key.");
        return Encode(options.CurrentKeyId, key, userId, kind);
    }

    public static string Encode(string keyId, byte[] key, int userId, ChannelKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        Span<byte> payload = stackalloc byte[PayloadBytes];
        BinaryPrimitives.WriteInt32BigEndian(payload, userId);
        payload[4] = (byte)kind;
        Mac(key, userId, kind).CopyTo(payload[5..]);
        return keyId + "_" + Base32.Encode(payload);
    }

    /// <summary>The link mail clients call: <c>{webBaseUrl}/unsubscribe/{token}</c>.</summary>
    public static string Url(string webBaseUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(webBaseUrl);
        return webBaseUrl.TrimEnd('/') + "/unsubscribe/" + Uri.EscapeDataString(token);
    }

    /// <summary>True, with the user and channel kind, when the token is ours and its signature holds under a configured key.</summary>
    public static bool TryVerify(ReplyTokenOptions options, string? token, out int userId, out ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        userId = 0;
        kind = default;
        if (!TryDecode(token, out var keyId, out var decodedUser, out var decodedKind, out var mac)
            || Key(options, keyId) is not { } key
            || !CryptographicOperations.FixedTimeEquals(Mac(key, decodedUser, decodedKind), mac))
        {
            return false;
        }

        userId = decodedUser;
        kind = decodedKind;
        return true;
    }

    private static bool TryDecode(string? token, [NotNullWhen(true)] out string? keyId, out int userId, out ChannelKind kind, out byte[] mac)
    {
        keyId = null;
        userId = 0;
        kind = default;
        mac = [];
        var separator = token?.IndexOf('_', StringComparison.Ordinal) ?? -1;
        if (token is null || separator < 1 || separator > 8 || token.Length > 80)
        {
            return false;
        }

        var payload = Base32.Decode(token[(separator + 1)..]);
        if (payload is not { Length: PayloadBytes } || !Enum.IsDefined((ChannelKind)payload[4]))
        {
            return false;
        }

        keyId = token[..separator].ToLowerInvariant();
        userId = BinaryPrimitives.ReadInt32BigEndian(payload);
        kind = (ChannelKind)payload[4];
        mac = payload[5..];
        return true;
    }

    private static byte[]? Key(ReplyTokenOptions options, string keyId) =>
        options.Keys.TryGetValue(keyId, out var secret) ? ReplyTokenOptionsValidator.Decode(secret) : null;

    private static byte[] Mac(byte[] key, int userId, ChannelKind kind)
    {
        Span<byte> data = stackalloc byte[Context.Length + 5];
        Context.CopyTo(data);
        BinaryPrimitives.WriteInt32BigEndian(data[Context.Length..], userId);
        data[Context.Length + 4] = (byte)kind;
        return HMACSHA256.HashData(key, data)[..MacBytes];
    }
}
