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

            if (Decode(secret) is not { Length: >= MinimumKeyBytes })
            {
                errors.Add($"ReplyTokens:Keys:{id} must be base64 of at least {MinimumKeyBytes} bytes.");
            }
        }

        if (!options.Keys.ContainsKey(options.CurrentKeyId))
        {
            errors.Add($"ReplyTokens:CurrentKeyId '{options.CurrentKeyId}' is not one of ReplyTokens:Keys.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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
