using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The one-click unsubscribe token of notification mails (RFC 8058), pure: <c>&lt;key id&gt;_&lt;base32(user ‖ kind ‖ mac)&gt;</c>
/// where user is the 32-bit user id, kind the <see cref="ChannelKind"/> byte and mac the first 10 bytes of
/// HMAC-SHA256(key, "clp-unsubscribe-v1" ‖ user ‖ kind), keyed with the <c>ReplyTokens</c> keys. Lower case, 27 to 34
/// characters, unforgeable without the key; any case is accepted back. Nothing is stored: a key rotation invalidates
/// old links (the web then asks the user to sign in to change settings). The link is
/// <c>{Mail:WebBaseUrl}/unsubscribe/{token}</c>; the endpoint calls <see cref="UnsubscribeService.ApplyAsync"/>.
/// </summary>
public static class UnsubscribeLink
{
    private const int PayloadBytes = 5;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("clp-unsubscribe-v1");

    /// <summary>The token under the current key of <paramref name="options"/>.</summary>
    public static string Encode(ReplyTokenOptions options, int userId, ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = ReplyTokenOptionsValidator.Decode(options.Keys.GetValueOrDefault(options.CurrentKeyId))
            ?? throw new InvalidOperationException($"ReplyTokens:CurrentKeyId '{options.CurrentKeyId}' has no usable key.");
        return Encode(options.CurrentKeyId, key, userId, kind);
    }

    public static string Encode(string keyId, byte[] key, int userId, ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> data = stackalloc byte[PayloadBytes + TokenCodec.MacBytes];
        WritePayload(data, userId, kind);
        Mac(key, data[..PayloadBytes]).CopyTo(data[PayloadBytes..]);
        return keyId + "_" + Base32.Encode(data);
    }

    /// <summary>True when the token was made by <see cref="Encode(string, byte[], int, ChannelKind)"/> with one of the
    /// configured keys; then <paramref name="userId"/> and <paramref name="kind"/> say whose mail of which kind to stop.</summary>
    public static bool TryVerify(string? token, ReplyTokenOptions options, out int userId, out ChannelKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        userId = 0;
        kind = default;
        var separator = token?.IndexOf('_', StringComparison.Ordinal) ?? -1;
        if (token is null || separator < 1 || separator > 8 || token.Length > 64)
        {
            return false;
        }

        var keyId = token[..separator].ToLowerInvariant();
        var data = Base32.Decode(token[(separator + 1)..]);
        if (data is not { Length: PayloadBytes + TokenCodec.MacBytes }
            || ReplyTokenOptionsValidator.Decode(options.Keys.GetValueOrDefault(keyId)) is not { } key
            || !CryptographicOperations.FixedTimeEquals(Mac(key, data.AsSpan(0, PayloadBytes)), data.AsSpan(PayloadBytes)))
        {
            return false;
        }

        var parsedKind = (ChannelKind)data[4];
        if (!Enum.IsDefined(parsedKind))
        {
            return false;
        }

        userId = BinaryPrimitives.ReadInt32BigEndian(data);
        kind = parsedKind;
        return true;
    }

    /// <summary>The HTTPS one-click link: <c>{webBaseUrl}/unsubscribe/{token}</c>.</summary>
    public static string Url(string webBaseUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(webBaseUrl);
        return $"{webBaseUrl.TrimEnd('/')}/unsubscribe/{token}";
    }

    private static void WritePayload(Span<byte> data, int userId, ChannelKind kind)
    {
        BinaryPrimitives.WriteInt32BigEndian(data, userId);
        data[4] = (byte)kind;
    }

    private static byte[] Mac(byte[] key, ReadOnlySpan<byte> payload)
    {
        Span<byte> data = stackalloc byte[Context.Length + PayloadBytes];
        Context.CopyTo(data);
        payload.CopyTo(data[Context.Length..]);
        return HMACSHA256.HashData(key, data)[..TokenCodec.MacBytes];
    }
}
