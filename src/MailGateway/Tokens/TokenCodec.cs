using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClpMailGateway.Tokens;

/// <summary>
/// The token text: <c>&lt;key id&gt;_&lt;base32(id ‖ mac)&gt;</c>, where id is the stored token's random 64-bit id and mac
/// the first 10 bytes of HMAC-SHA256(key, "clp-reply-v1" ‖ id ‖ user ‖ channel). Lower case throughout, at most
/// 38 characters, so <c>reply+TOKEN</c> stays well inside the 64-octet local part. Pure.
/// </summary>
public static class TokenCodec
{
    public const int MacBytes = 10;
    private const int IdBytes = 8;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("clp-reply-v1");

    public static string Encode(string keyId, byte[] key, long id, int userId, int channelId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        Span<byte> payload = stackalloc byte[IdBytes + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(payload, id);
        Mac(key, id, userId, channelId).CopyTo(payload[IdBytes..]);
        return keyId + "_" + Base32.Encode(payload);
    }

    /// <summary>Splits a token into key id, id and mac; false when it is not of our shape (any case accepted).</summary>
    public static bool TryDecode(string? token, out string keyId, out long id, out byte[] mac)
    {
        keyId = string.Empty;
        id = 0;
        mac = [];
        var separator = token?.IndexOf('_', StringComparison.Ordinal) ?? -1;
        if (token is null || separator < 1 || separator > 8 || token.Length > 64)
        {
            return false;
        }

        var payload = Base32.Decode(token[(separator + 1)..]);
        if (payload is not { Length: IdBytes + MacBytes })
        {
            return false;
        }

        keyId = token[..separator].ToLowerInvariant();
        id = BinaryPrimitives.ReadInt64BigEndian(payload);
        mac = payload[IdBytes..];
        return true;
    }

    public static bool MacMatches(byte[] key, long id, int userId, int channelId, byte[] mac) =>
        CryptographicOperations.FixedTimeEquals(Mac(key, id, userId, channelId), mac);

    private static byte[] Mac(byte[] key, long id, int userId, int channelId)
    {
        Span<byte> data = stackalloc byte[Context.Length + IdBytes + 8];
        Context.CopyTo(data);
        BinaryPrimitives.WriteInt64BigEndian(data[Context.Length..], id);
        BinaryPrimitives.WriteInt32BigEndian(data[(Context.Length + IdBytes)..], userId);
        BinaryPrimitives.WriteInt32BigEndian(data[(Context.Length + IdBytes + 4)..], channelId);
        return HMACSHA256.HashData(key, data)[..MacBytes];
    }
}
