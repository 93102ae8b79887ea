using ClpMailGateway.Inbound;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit.Security;

namespace ClpMailGateway.Tests.MailAuth;

public class MailLoginValidationTests
{
    [Theory]
    [InlineData("mail.example.com")]
    [InlineData("10.0.0.5")]
    [InlineData("192.0.2.1")]
    public void Validate_SmtpLoginInClearToAnotherHost_FailsNamingSecurityAndHost(string host)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { Host = host, Security = SecureSocketOptions.None, Username = "u", Password = "p" });

        Assert.True(result.Failed);
        Assert.Contains($"Smtp:Security is None but Smtp:Host '{host}' is not a loopback address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", SecureSocketOptions.None)]
    [InlineData("::1", SecureSocketOptions.None)]
    [InlineData("localhost", SecureSocketOptions.None)]
    [InlineData("mail.example.com", SecureSocketOptions.StartTls)]
    [InlineData("mail.example.com", SecureSocketOptions.SslOnConnect)]
    [InlineData("mail.example.com", SecureSocketOptions.Auto)]
    public void Validate_SmtpLoginOverTlsOrToLoopback_Succeeds(string host, SecureSocketOptions security) =>
        Assert.True(new SmtpOptionsValidator().Validate(null, new SmtpOptions { Host = host, Security = security, Username = "u", Password = "p" }).Succeeded);

    [Fact]
    public void Validate_SmtpWithoutLoginInClearToAnotherHost_Succeeds() =>
        Assert.True(new SmtpOptionsValidator().Validate(null, new SmtpOptions { Host = "mail.example.com", Security = SecureSocketOptions.None }).Succeeded);

    [Fact]
    public void Validate_ImapLoginInClearToAnotherHost_Fails()
    {
        var result = new ImapOptionsValidator().Validate(null, new ImapOptions { Host = "imap.example.com", Security = SecureSocketOptions.None, Password = "p" });

        Assert.True(result.Failed);
        Assert.Contains("Imap:Security is None but Imap:Host 'imap.example.com' is not a loopback address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Microsoft365WithoutItsIds_FailsNamingEach()
    {
        var options = new ImapOptions { Host = "outlook.office365.com", Security = SecureSocketOptions.SslOnConnect, AuthMechanism = MailAuthMechanism.OAuth2, OAuth2 = new OAuth2Options { Provider = OAuth2Provider.Microsoft365, ClientId = "app" } };

        var result = new ImapOptionsValidator().Validate(null, options);

        Assert.Contains("Imap:OAuth2:TenantId is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Imap:OAuth2:ClientSecret is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientId is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OAuth2Provider.Static, "Smtp:OAuth2:AccessToken and Smtp:OAuth2:AccessTokenFile are empty")]
    [InlineData(OAuth2Provider.Google, "Smtp:OAuth2:ServiceAccountKeyFile '' does not exist")]
    public void Validate_OAuth2ProviderWithoutItsCredentials_Fails(OAuth2Provider provider, string expected)
    {
        var options = new SmtpOptions { Host = "smtp.gmail.com", Security = SecureSocketOptions.StartTls, Username = "reply@example.com", AuthMechanism = MailAuthMechanism.OAuth2, OAuth2 = new OAuth2Options { Provider = provider } };

        Assert.Contains(expected, new SmtpOptionsValidator().Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SecureSocketOptions.None, false, "127.0.0.1", true)]
    [InlineData(SecureSocketOptions.None, false, "mail.example.com", false)]
    [InlineData(SecureSocketOptions.StartTlsWhenAvailable, false, "127.0.0.1", false)]
    [InlineData(SecureSocketOptions.StartTls, true, "mail.example.com", true)]
    public void MaySendCredentials_OnlyOverTlsOrAsConfiguredToLoopback(SecureSocketOptions security, bool encrypted, string host, bool expected) =>
        Assert.Equal(expected, MailLogin.MaySendCredentials(security, encrypted, host));
}
