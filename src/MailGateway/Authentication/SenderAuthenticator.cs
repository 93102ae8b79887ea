using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace ClpMailGateway.Authentication;

/// <summary>
/// Decides whether a mail's From is authentic, as the most careful receivers do:
/// <list type="number">
/// <item>From names exactly one mailbox (two addresses let a forger pick which one a reader sees).</item>
/// <item>The receiving MX's verdict, read only from the topmost <c>Authentication-Results</c> carrying a trusted
/// authserv-id (<see cref="InboundOptions.TrustedAuthServIds"/>): DMARC pass; or, where the domain publishes no DMARC
/// policy (<c>dmarc=none</c>), DKIM or SPF pass for a domain aligned with From's. DMARC fail, or nothing aligned,
/// fails.</item>
/// <item>Without such a header, the gateway verifies the mail's DKIM signatures itself (MimeKit's
/// <see cref="DkimVerifier"/>, keys from DNS): a valid signature of a domain aligned with From's passes (that is a DMARC
/// pass by its DKIM half).</item>
/// </list>
/// Alignment is relaxed: the same domain, or one a subdomain of the other.
/// </summary>
public sealed class SenderAuthenticator(IDkimPublicKeyLocator keyLocator, InboundOptions options)
{
    public async Task<SenderAuthentication> AuthenticateAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = message.From.Mailboxes.ToList();
        if (from.Count != 1 || message.From.Count != 1)
        {
            return SenderAuthentication.Fail($"From names {from.Count} addresses, not one");
        }

        var fromDomain = Domain(from[0].Address);
        if (fromDomain.Length == 0)
        {
            return SenderAuthentication.Fail("From has no domain");
        }

        if (TrustedResults(message) is { } results)
        {
            return FromResults(results, fromDomain);
        }

        return await VerifyDkimAsync(message, fromDomain, cancellationToken);
    }

    /// <summary>The topmost Authentication-Results of a trusted authserv-id (headers are added on top, so the topmost is
    /// the receiving MX's own; any below it came with the mail).</summary>
    private AuthenticationResults? TrustedResults(MimeMessage message)
    {
        foreach (var header in message.Headers)
        {
            if (header.Id != HeaderId.AuthenticationResults
                || !AuthenticationResults.TryParse(header.RawValue, out var results)
                || results.AuthenticationServiceIdentifier is not { } id)
            {
                continue;
            }

            if (options.TrustedAuthServIds.Any(trusted => trusted.Equals(id, StringComparison.OrdinalIgnoreCase)))
            {
                return results;
            }
        }

        return null;
    }

    private static SenderAuthentication FromResults(AuthenticationResults results, string fromDomain)
    {
        var summary = string.Join("; ", results.Results.Select(r => $"{r.Method}={r.Result}{Properties(r)}"));
        var prefix = $"{results.AuthenticationServiceIdentifier}: {summary}";
        var dmarc = results.Results.FirstOrDefault(r => r.Method.Equals("dmarc", StringComparison.OrdinalIgnoreCase));
        switch (dmarc?.Result?.ToLowerInvariant())
        {
            case "pass":
                var dmarcFrom = Property(dmarc, "header", "from");
                return dmarcFrom is null || Aligned(dmarcFrom, fromDomain)
                    ? SenderAuthentication.Pass($"{prefix} (DMARC pass)")
                    : SenderAuthentication.Fail($"{prefix} (DMARC passed for {dmarcFrom}, not the From domain {fromDomain})");
            case null or "none":
                var dkim = results.Results.Any(r => r.Method.Equals("dkim", StringComparison.OrdinalIgnoreCase)
                    && "pass".Equals(r.Result, StringComparison.OrdinalIgnoreCase)
                    && (Property(r, "header", "d") ?? Domain(Property(r, "header", "i") ?? string.Empty)) is { Length: > 0 } d && Aligned(d, fromDomain));
                var spf = results.Results.Any(r => r.Method.Equals("spf", StringComparison.OrdinalIgnoreCase)
                    && "pass".Equals(r.Result, StringComparison.OrdinalIgnoreCase)
                    && Domain(Property(r, "smtp", "mailfrom") ?? Property(r, "smtp", "helo") ?? string.Empty) is { Length: > 0 } m && Aligned(m, fromDomain));
                return dkim || spf
                    ? SenderAuthentication.Pass($"{prefix} (no DMARC policy; {(dkim ? "DKIM" : "SPF")} pass aligned with {fromDomain})")
                    : SenderAuthentication.Fail($"{prefix} (no DMARC policy, and no DKIM or SPF pass aligned with {fromDomain})");
            default:
                return SenderAuthentication.Fail($"{prefix} (DMARC {dmarc.Result})");
        }
    }

    private async Task<SenderAuthentication> VerifyDkimAsync(MimeMessage message, string fromDomain, CancellationToken cancellationToken)
    {
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        if (signatures.Count == 0)
        {
            return SenderAuthentication.Fail($"no Authentication-Results from a trusted server, and no DKIM signature ({fromDomain})");
        }

        var verifier = new DkimVerifier(keyLocator);
        var tried = new List<string>();
        foreach (var signature in signatures)
        {
            var domain = Tag(signature.Value, "d");
            if (domain is null || !Aligned(domain, fromDomain))
            {
                tried.Add($"{domain ?? "no domain"}: not aligned with {fromDomain}");
                continue;
            }

            try
            {
                if (await verifier.VerifyAsync(message, signature, cancellationToken))
                {
                    return SenderAuthentication.Pass($"DKIM signature of {domain} verified by the gateway");
                }

                tried.Add($"{domain}: signature does not verify");
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or InvalidOperationException or ArgumentException
                or Org.BouncyCastle.Security.SecurityUtilityException or DnsLookupException)
            {
                tried.Add($"{domain}: {ex.Message}");
            }
        }

        return SenderAuthentication.Fail("no Authentication-Results from a trusted server; DKIM: " + string.Join("; ", tried));
    }

    /// <summary>Relaxed alignment: the same domain, or one a subdomain of the other.</summary>
    public static bool Aligned(string domain, string fromDomain)
    {
        var a = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var b = fromDomain.Trim().TrimEnd('.').ToLowerInvariant();
        return a.Length > 0 && b.Length > 0
            && (a == b || a.EndsWith("." + b, StringComparison.Ordinal) || b.EndsWith("." + a, StringComparison.Ordinal))
            && a.Contains('.', StringComparison.Ordinal) && b.Contains('.', StringComparison.Ordinal);
    }

    private static string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return (at >= 0 ? address[(at + 1)..] : address).Trim().TrimEnd('.', '>').ToLowerInvariant();
    }

    private static string? Property(AuthenticationMethodResult result, string type, string name) =>
        result.Properties.FirstOrDefault(p => p.PropertyType.Equals(type, StringComparison.OrdinalIgnoreCase)
            && p.Property.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    private static string Properties(AuthenticationMethodResult result)
    {
        var text = new StringBuilder();
        foreach (var property in result.Properties)
        {
            text.Append(' ').Append(property.PropertyType).Append('.').Append(property.Property).Append('=').Append(property.Value);
        }

        return text.ToString();
    }

    /// <summary>A tag of a DKIM-Signature value (<c>d=example.com; s=...</c>).</summary>
    private static string? Tag(string value, string name)
    {
        foreach (var part in value.Split(';'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return new string(part[(equals + 1)..].Where(c => !char.IsWhiteSpace(c)).ToArray());
            }
        }

        return null;
    }
}
