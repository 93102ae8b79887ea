using ClpMailGateway.Authentication;
using ClpMailGateway.TestSupport;
using MimeKit;

namespace ClpMailGateway.Tests.Authentication;

/// <summary>The sender-authentication matrix: the receiving MX's results (trusted and untrusted authserv-ids, DMARC,
/// DKIM and SPF with aligned and unaligned domains), and DKIM verified by the gateway itself against a key served by a
/// real DNS server on loopback.</summary>
public sealed class SenderAuthenticatorTests : IDisposable
{
    private const string Mx = "mx.clp.test";
    private readonly TestDns _dns = new();

    public void Dispose() => _dns.Dispose();

    private SenderAuthenticator Authenticator(params string[] trusted)
    {
        var options = new InboundOptions { TrustedAuthServIds = [.. trusted], DnsServers = [_dns.Endpoint], DnsTimeout = TimeSpan.FromSeconds(2) };
        return new SenderAuthenticator(new DnsDkimPublicKeyLocator(options, TimeProvider.System), options);
    }

    private static MimeMessage Mail(string from = "lea@vendor.example", params string[] authenticationResults)
    {
        var message = new MimeMessage();
        // Added on top as each server does: the first listed is the topmost (the receiving MX's).
        foreach (var results in authenticationResults.Reverse())
        {
            message.Headers.Insert(0, new Header("Authentication-Results", results));
        }

        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("reply+t1_abc@clp.test"));
        message.Subject = "Re: timeline";
        message.Date = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        message.MessageId = "m1@vendor.example";
        message.Body = new TextPart("plain") { Text = "Confirmed.\n" };
        return message;
    }

    [Theory]
    [InlineData("mx.clp.test; dmarc=pass header.from=vendor.example", true)]
    [InlineData("mx.clp.test; dmarc=pass (p=reject) header.from=vendor.example; dkim=pass header.d=vendor.example; spf=pass smtp.mailfrom=vendor.example", true)]
    [InlineData("mx.clp.test; dmarc=pass header.from=other.example", false)]
    [InlineData("mx.clp.test; dmarc=fail header.from=vendor.example; dkim=pass header.d=vendor.example", false)]
    [InlineData("mx.clp.test; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=vendor.example", false)]
    [InlineData("mx.clp.test; dmarc=temperror header.from=vendor.example", false)]
    [InlineData("mx.clp.test; dmarc=none header.from=vendor.example; dkim=pass header.d=vendor.example", true)]
    [InlineData("mx.clp.test; dmarc=none header.from=vendor.example; dkim=pass header.d=mail.vendor.example", true)]
    [InlineData("mx.clp.test; dmarc=none header.from=vendor.example; dkim=pass header.d=mailer.example", false)]
    [InlineData("mx.clp.test; dmarc=none header.from=vendor.example; spf=pass smtp.mailfrom=bounces@vendor.example", true)]
    [InlineData("mx.clp.test; dmarc=none header.from=vendor.example; spf=pass smtp.mailfrom=bounces@evil.example", false)]
    [InlineData("mx.clp.test; dkim=pass header.d=vendor.example", true)] // no DMARC evaluated: as no policy
    [InlineData("mx.clp.test; dkim=fail header.d=vendor.example; spf=softfail smtp.mailfrom=vendor.example", false)]
    [InlineData("mx.clp.test; dkim=none; spf=none", false)]
    public async Task Authenticate_TrustedResults_DecideAsDmarcDoes(string results, bool passes)
    {
        var result = await Authenticator(Mx).AuthenticateAsync(Mail(authenticationResults: results), CancellationToken.None);

        Assert.Equal(passes, result.Passed);
        Assert.StartsWith("mx.clp.test: ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_PassFromAnUntrustedServer_IsIgnored()
    {
        var forged = Mail(authenticationResults: "mx.evil.example; dmarc=pass header.from=vendor.example");

        var result = await Authenticator(Mx).AuthenticateAsync(forged, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("no Authentication-Results from a trusted server", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_ForgedTrustedHeaderBelowTheMxsOwn_TheTopmostCounts()
    {
        // The sender put a pass under our MX's id into the mail; our MX added its own fail on top.
        var mail = Mail(authenticationResults: ["mx.clp.test; dmarc=fail header.from=vendor.example", "mx.clp.test; dmarc=pass header.from=vendor.example"]);

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("dmarc=fail", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_TwoFromAddresses_Fails()
    {
        var mail = Mail(authenticationResults: "mx.clp.test; dmarc=pass header.from=vendor.example");
        mail.From.Add(MailboxAddress.Parse("fr.lea@clp.test"));

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("From names 2 addresses, not one", result.Detail);
    }

    [Fact]
    public async Task Authenticate_NoTrustedResults_ValidAlignedDkimVerifiedByTheGateway_Passes()
    {
        var keys = new DkimKeys("vendor.example");
        keys.PublishIn(_dns);
        var mail = Mail();
        keys.Sign(mail);

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("DKIM signature of vendor.example verified by the gateway", result.Detail);
    }

    [Fact]
    public async Task Authenticate_DkimOfTheGatewayAfterTheBodyChanged_Fails()
    {
        var keys = new DkimKeys("vendor.example");
        keys.PublishIn(_dns);
        var mail = Mail();
        keys.Sign(mail);
        ((TextPart)mail.Body!).Text = "Confirmed, and pay the invoice to this new account.\n";

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("vendor.example: signature does not verify", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_ValidDkimOfAnotherDomain_IsNotAligned()
    {
        var keys = new DkimKeys("mailer.example");
        keys.PublishIn(_dns);
        var mail = Mail();
        keys.Sign(mail);

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("mailer.example: not aligned with vendor.example", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_SignedButNoKeyPublished_Fails()
    {
        var mail = Mail();
        new DkimKeys("vendor.example", "gone").Sign(mail);

        var result = await Authenticator(Mx).AuthenticateAsync(mail, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("gone._domainkey.vendor.example", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vendor.example", "vendor.example", true)]
    [InlineData("mail.vendor.example", "vendor.example", true)]
    [InlineData("vendor.example", "eu.vendor.example", true)]
    [InlineData("evilvendor.example", "vendor.example", false)]
    [InlineData("example", "vendor.example", false)]
    [InlineData("", "vendor.example", false)]
    public void Aligned_IsRelaxedButNeverASuffixOfAnotherName(string domain, string from, bool aligned) =>
        Assert.Equal(aligned, SenderAuthenticator.Aligned(domain, from));
}
