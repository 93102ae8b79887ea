using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace ClpMailGateway.Authentication;

/// <summary>DKIM public keys from DNS TXT records (<c>selector._domainkey.domain</c>) through DnsClient, remembered for
/// <see cref="InboundOptions.DkimKeyCacheLifetime"/>, a missing key included, so a flood of mails signed with one
/// selector costs one lookup.</summary>
public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private readonly LookupClient _dns;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, string? Txt, string? Error)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public DnsDkimPublicKeyLocator(InboundOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _lifetime = options.DkimKeyCacheLifetime;
        var settings = options.DnsServers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(options.DnsServers.Select(ParseServer).ToArray());
        settings.Timeout = options.DnsTimeout;
        settings.Retries = 1;
        settings.UseCache = false; // ours keeps the key text and misses alike, for our own lifetime
        settings.ThrowDnsErrors = false;
        _dns = new LookupClient(settings);
    }

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = $"{selector}._domainkey.{domain}";
        var now = _timeProvider.GetUtcNow();
        if (!_cache.TryGetValue(name, out var entry) || entry.Until <= now)
        {
            entry = await LookUpAsync(name, cancellationToken);
            _cache[name] = (now + _lifetime, entry.Txt, entry.Error);
        }

        return entry.Txt is { } txt ? GetPublicKey(txt) : throw new DnsLookupException(entry.Error ?? $"no DKIM key at {name}");
    }

    private async Task<(DateTimeOffset Until, string? Txt, string? Error)> LookUpAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _dns.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
            if (response.HasError)
            {
                return (default, null, $"DNS: {response.ErrorMessage} for {name}");
            }

            // A key record may come in several strings; they are one value.
            var txt = response.Answers.TxtRecords().Select(r => string.Concat(r.Text))
                .FirstOrDefault(t => t.Contains("p=", StringComparison.Ordinal));
            return txt is null ? (default, null, $"no DKIM key at {name}") : (default, txt, null);
        }
        catch (DnsResponseException ex)
        {
            return (default, null, $"DNS did not answer for {name}: {ex.Message}");
        }
    }

    private static IPEndPoint ParseServer(string server)
    {
        var colon = server.LastIndexOf(':');
        return colon > 0 && int.TryParse(server[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? new IPEndPoint(IPAddress.Parse(server[..colon]), port)
            : new IPEndPoint(IPAddress.Parse(server), 53);
    }
}
