using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Permissions;
using ClpMailGateway.Tokens;

namespace ClpMailGateway.Benchmarks;

/// <summary>Verifying a reply token (decode + HMAC check; the row lookup is a primary-key read, not measured here)
/// against a bare HMAC-SHA256; resolving the recipients of a post to a title with 5,000 followers against the bare
/// permission decisions for the same users.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TokenAndRecipientBenchmarks
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private string _token = string.Empty;
    private List<AudienceMember> _audience = [];

    [GlobalSetup]
    public void Setup()
    {
        _token = TokenCodec.Encode("k1", _key, 1234567890123, 42, 7);
        var random = new Random(5000);
        string[] languages = ["fr", "de", "ja", "pt-BR", "es"];
        _audience = Enumerable.Range(1, 5000).Select(i =>
        {
            var isVendor = i % 10 != 0;
            var language = languages[random.Next(languages.Length)];
            var reader = new ReaderContext(
                isVendor ? UserRole.Vendor : UserRole.Pm,
                IsActive: i % 97 != 0,
                InternalMessagesEnabled: !isVendor,
                EnabledLanguages: new HashSet<string> { language },
                VendorLanguagesOnTitle: isVendor ? new HashSet<string> { language } : new HashSet<string>());
            return new AudienceMember(i, $"User {i}", reader, i % 13 == 0 ? DeliveryMode.Digest : DeliveryMode.Immediate,
                IsFollower: true, IsMentioned: i % 501 == 0, $"user{i}@vendor.example", Suppressed: i % 211 == 0);
        }).ToList();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("token")]
    public byte[] Token_BareHmac() => HMACSHA256.HashData(_key, BitConverter.GetBytes(1234567890123L));

    [Benchmark]
    [BenchmarkCategory("token")]
    public bool Token_Verify() =>
        TokenCodec.TryDecode(_token, out _, out var id, out var mac) && TokenCodec.MacMatches(_key, id, 42, 7, mac);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("recipients-5000")]
    public int Recipients_PolicyOnly()
    {
        var readers = 0;
        foreach (var member in _audience)
        {
            if (ChannelPolicy.Decide(member.Reader, ChannelKind.Vendor, "fr").CanRead)
            {
                readers++;
            }
        }

        return readers;
    }

    [Benchmark]
    [BenchmarkCategory("recipients-5000")]
    public int Recipients_Resolve() => RecipientResolver.Resolve(ChannelKind.Vendor, "fr", 1, _audience).Count;
}
