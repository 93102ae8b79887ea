using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ClpMailGateway.TestSupport;

/// <summary>A DKIM key pair for a test domain: signs mails with MimeKit's <see cref="DkimSigner"/> and publishes its
/// public key in a <see cref="TestDns"/>, as a sending domain's mail server and DNS would.</summary>
public sealed class DkimKeys
{
    private readonly AsymmetricCipherKeyPair _keys;

    public DkimKeys(string domain, string selector = "s2026")
    {
        Domain = domain;
        Selector = selector;
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        _keys = generator.GenerateKeyPair();
    }

    public string Domain { get; }

    public string Selector { get; }

    /// <summary>The TXT record's text: <c>v=DKIM1; k=rsa; p=...</c>.</summary>
    public string Record => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(_keys.Public).GetDerEncoded());

    public void PublishIn(TestDns dns)
    {
        ArgumentNullException.ThrowIfNull(dns);
        dns.AddTxt($"{Selector}._domainkey.{Domain}", Record);
    }

    /// <summary>Signs From, To, Subject, Date and Message-ID with the body (relaxed/relaxed).</summary>
    public void Sign(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signer = new DkimSigner(_keys.Private, Domain, Selector, DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, new[] { HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId });
    }
}
