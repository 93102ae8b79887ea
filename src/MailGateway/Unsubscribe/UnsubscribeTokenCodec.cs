using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Links;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Unsubscribe;

/// <summary>
/// The token of an unsubscribe link (RFC 8058 one-click, and the choices of the unsubscribe page):
/// <c>&lt;key id&gt;_&lt;base32(user ‖ scope ‖ id ‖ mac)&gt;</c>, where mac is the first 16 bytes of
/// HMAC-SHA256(key, "clp-unsub-v2" ‖ user ‖ scope ‖ id) under the reply-token keys (<see cref="ReplyTokenOptions"/>).
/// Nothing is stored: the link is unforgeable, works without a session, and a key rotation that removes a key retires
/// its links. Lower case, about 50 characters. Links of the first form (user ‖ kind ‖ mac, "clp-unsub-v1", in mails
/// sent before scopes existed) still verify, as the <see cref="UnsubscribeScope.Kind"/> scope. Pure.
/// </summary>
public static class UnsubscribeTokenCodec
{
    public const int MacBytes = 16;
    private const int PayloadBytes = 4 + 1 + 4 + MacBytes;
    private const int KindPayloadBytes = 4 + 1 + MacBytes;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("clp-unsub-v2");
    private static readonly byte[] KindContext = Encoding.ASCII.GetBytes("clp-unsub-v1");

    /// <summary>The token for <paramref name="target"/>, signed with the current key.</summary>
    public static string Encode(ReplyTokenOptions options, UnsubscribeTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = Key(options, options.CurrentKeyId)
            ?? throw new InvalidOperationException($"ReplyTokens:CurrentKeyId '{options.CurrentKeyId}' names no usable key.");
        return Encode(options.CurrentKeyId, key, target);
    }

    public static string Encode(string keyId, byte[] key, UnsubscribeTarget target)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        Span<byte> payload = stackalloc byte[PayloadBytes];
        Write(payload, target);
        Mac(key, payload[..(PayloadBytes - MacBytes)]).CopyTo(payload[(PayloadBytes - MacBytes)..]);
        return keyId + "_" + Base32.Encode(payload);
    }

    /// <summary>A token of the first form (a whole channel kind), as mails sent before scopes carry it; for tests of
    /// that compatibility.</summary>
    internal static string EncodeKindToken(string keyId, byte[] key, int userId, ChannelKind kind)
    {
        Span<byte> payload = stackalloc byte[KindPayloadBytes];
        BinaryPrimitives.WriteInt32BigEndian(payload, userId);
        payload[4] = (byte)kind;
        KindMac(key, payload[..5]).CopyTo(payload[5..]);
        return keyId + "_" + Base32.Encode(payload);
    }

    /// <summary>The link mail clients call: <c>{webBaseUrl}/unsubscribe/{token}</c>.</summary>
    public static string Url(string webBaseUrl, string token) => WebRoutes.Absolute(webBaseUrl, WebRoutes.UnsubscribePath(token));

    /// <summary>True, with what the token stands for, when it is ours and its signature holds under a configured key.</summary>
    public static bool TryVerify(ReplyTokenOptions options, string? token, out UnsubscribeTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        target = default;
        var separator = token?.IndexOf('_', StringComparison.Ordinal) ?? -1;
        if (token is null || separator < 1 || separator > 8 || token.Length > 80
            || Key(options, token[..separator].ToLowerInvariant()) is not { } key
            || Base32.Decode(token[(separator + 1)..]) is not { } payload)
        {
            return false;
        }

        switch (payload.Length)
        {
            case PayloadBytes:
                var signed = payload.AsSpan(0, PayloadBytes - MacBytes);
                if (!Enum.IsDefined((UnsubscribeScope)payload[4])
                    || !CryptographicOperations.FixedTimeEquals(Mac(key, signed), payload.AsSpan(PayloadBytes - MacBytes)))
                {
                    return false;
                }

                target = new UnsubscribeTarget(
                    BinaryPrimitives.ReadInt32BigEndian(payload), (UnsubscribeScope)payload[4], BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(5)));
                return target.Scope != UnsubscribeScope.Kind || Enum.IsDefined((ChannelKind)target.Id);
            case KindPayloadBytes:
                if (!Enum.IsDefined((ChannelKind)payload[4])
                    || !CryptographicOperations.FixedTimeEquals(KindMac(key, payload.AsSpan(0, 5)), payload.AsSpan(5)))
                {
                    return false;
                }

                target = UnsubscribeTarget.ForKind(BinaryPrimitives.ReadInt32BigEndian(payload), (ChannelKind)payload[4]);
                return true;
            default:
                return false;
        }
    }

    private static void Write(Span<byte> payload, UnsubscribeTarget target)
    {
        BinaryPrimitives.WriteInt32BigEndian(payload, target.UserId);
        payload[4] = (byte)target.Scope;
        BinaryPrimitives.WriteInt32BigEndian(payload[5..], target.Id);
    }

    private static byte[]? Key(ReplyTokenOptions options, string keyId) =>
        options.Keys.TryGetValue(keyId, out var secret) ? ReplyTokenOptionsValidator.Decode(secret) : null;

    private static byte[] Mac(byte[] key, ReadOnlySpan<byte> signed) => Hmac(key, Context, signed);

    private static byte[] KindMac(byte[] key, ReadOnlySpan<byte> signed) => Hmac(key, KindContext, signed);

    private static byte[] Hmac(byte[] key, byte[] context, ReadOnlySpan<byte> signed)
    {
        Span<byte> data = stackalloc byte[context.Length + signed.Length];
        context.CopyTo(data);
        signed.CopyTo(data[context.Length..]);
        return HMACSHA256.HashData(key, data)[..MacBytes];
    }
}
