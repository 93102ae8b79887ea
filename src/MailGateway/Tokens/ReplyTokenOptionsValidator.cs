using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Tokens;

/// <summary>Bad or missing keys stop the gateway at start: there is no permissive default for a capability.</summary>
public sealed partial class ReplyTokenOptionsValidator : IValidateOptions<ReplyTokenOptions>
{
    public const int MinimumKeyBytes = 32;

    [GeneratedRegex("^[a-z0-9]{1,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyId();

    public ValidateOptionsResult Validate(string? name, ReplyTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Keys.Count == 0)
        {
            errors.Add("ReplyTokens:Keys is empty; set at least one key (ReplyTokens__Keys__k1=<base64 of 32 random bytes>).");
        }

        foreach (var (id, secret) in options.Keys)
        {
            if (!KeyId().IsMatch(id))
            {
                errors.Add($"ReplyTokens:Keys:{id}: a key id is 1-8 lower-case letters or digits.");
            }

            if (Decode(secret) is not { Length: >= MinimumKeyBytes } key)
            {
                errors.Add($"ReplyTokens:Keys:{id} must be base64 of at least {MinimumKeyBytes} bytes.");
            }
            else if (LowEntropy(key))
            {
                errors.Add($"ReplyTokens:Keys:{id} is not random (repeated bytes or a short repeated pattern); make one with: head -c 32 /dev/urandom | base64");
            }
        }

        if (options.Lifetime < TimeSpan.FromDays(1) || options.Lifetime > TimeSpan.FromDays(3650))
        {
            errors.Add("ReplyTokens:Lifetime must be between one day and ten years.");
        }

        if (!options.Keys.ContainsKey(options.CurrentKeyId))
        {
            errors.Add($"ReplyTokens:CurrentKeyId '{options.CurrentKeyId}' is not one of ReplyTokens:Keys.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A key a person typed or a placeholder left in: fewer than 8 distinct byte values, or a pattern of up to 8
    /// bytes repeated. Random 32 bytes have about 30 distinct values.</summary>
    internal static bool LowEntropy(ReadOnlySpan<byte> key)
    {
        Span<bool> seen = stackalloc bool[256];
        var distinct = 0;
        foreach (var b in key)
        {
            if (!seen[b])
            {
                seen[b] = true;
                distinct++;
            }
        }

        if (distinct < 8)
        {
            return true;
        }

        for (var period = 1; period <= 8; period++)
        {
            var repeats = true;
            for (var i = period; i < key.Length && repeats; i++)
            {
                repeats = key[i] == key[i - period];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    internal static byte[]? Decode(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret.Trim(), buffer, out var written) ? buffer[..written] : null;
    }
}
