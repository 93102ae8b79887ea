using System.Globalization;
using ClpMailGateway.Inbound;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// OAuth2 logins against the real Dovecot (its oauth2 passdb introspecting tokens at <see cref="OAuth2Endpoint"/> in this
/// process) for IMAP, and through Postfix's SMTP AUTH (which asks Dovecot) for both SMTP clients: a Google service
/// account's token, a token revoked before its expiry renewed after the refusal, a token about to expire renewed before
/// use, and a static token file that another process refreshes.
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed class OAuth2LoginTests(MailServersFixture servers) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("clp-oauth2-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task ImapLogin_GoogleServiceAccount_LogsInWithATokenForTheMailbox()
    {
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port);
        var user = Mailbox();
        using var login = Google(endpoint, user, TimeSpan.FromMinutes(5));

        using var client = await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None);

        Assert.True(client.IsAuthenticated);
        Assert.Single(endpoint.Issued);
        Assert.Empty(endpoint.Refused);
    }

    [Fact]
    public async Task ImapLogin_TokenRevokedBeforeItsExpiry_IsRenewedAfterTheRefusalWithoutARestart()
    {
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port);
        var user = Mailbox();
        using var login = Google(endpoint, user, TimeSpan.FromMinutes(5));
        using (await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None))
        {
        }

        endpoint.RevokeAll();
        using var client = await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(2, endpoint.Issued.Count);
        Assert.Equal([endpoint.Issued[0]], endpoint.Refused.Distinct());
    }

    [Fact]
    public async Task ImapLogin_TokenAboutToExpire_IsRenewedBeforeItIsUsed()
    {
        // Tokens live 5 min 2 s and are renewed 5 min before they expire: stale 2 s after they were issued.
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port) { TokenLifetime = TimeSpan.FromSeconds(302) };
        var user = Mailbox();
        using var login = Google(endpoint, user, TimeSpan.FromMinutes(5));
        using (await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        using var client = await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None);

        Assert.True(client.IsAuthenticated);
        Assert.True(endpoint.Issued.Count >= 2, $"{endpoint.Issued.Count} tokens issued");
        Assert.Empty(endpoint.Refused);
    }

    [Fact]
    public async Task ImapLogin_StaticTokenFileRefreshedByAnotherProcess_IsReadAgainAfterARefusal()
    {
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port);
        var user = Mailbox();
        var file = Path.Combine(_folder.FullName, "token");
        endpoint.Register("first-token", user);
        await File.WriteAllTextAsync(file, "first-token\n");
        using var login = MailLogins.Create("Imap", MailAuthMechanism.OAuth2, user, string.Empty,
            new OAuth2Options { Provider = OAuth2Provider.Static, AccessTokenFile = file }, TimeProvider.System, NullLoggerFactory.Instance);
        using (await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None))
        {
        }

        endpoint.RevokeAll();
        endpoint.Register("second-token", user);
        await File.WriteAllTextAsync(file, "second-token\n");
        using var client = await ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None);

        Assert.True(client.IsAuthenticated);
        Assert.Contains("first-token", endpoint.Refused);
    }

    [Fact]
    public async Task ImapLogin_RefusedTokenAndNoNewerOne_FailsNamingTheLogin()
    {
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port);
        var user = Mailbox();
        using var login = MailLogins.Create("Imap", MailAuthMechanism.OAuth2, user, string.Empty,
            new OAuth2Options { Provider = OAuth2Provider.Static, AccessToken = "never-issued" }, TimeProvider.System, NullLoggerFactory.Instance);

        var error = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => ImapConnector.ConnectAsync(Imap(user), login, CancellationToken.None));

        Assert.Contains($"Imap login {user}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SmtpClientKind.MailKit)]
    [InlineData(SmtpClientKind.Native)]
    public async Task SmtpLogin_GoogleTokenThroughPostfix_AuthenticatesWithOAuthAndSends(SmtpClientKind client)
    {
        await using var endpoint = new OAuth2Endpoint(servers.OAuth2Port);
        var user = Mailbox();
        using var login = Google(endpoint, user, TimeSpan.FromMinutes(5));
        var options = new SmtpOptions { Host = servers.Host, Port = servers.SmtpPort, Security = SecureSocketOptions.None, Username = user, Timeout = TimeSpan.FromSeconds(10) };
        using (var first = SmtpClients.Connect(client, options, login, null, CancellationToken.None))
        {
            Assert.Equal("XOAUTH2", first.Offer.AuthenticatedWith);
        }

        endpoint.RevokeAll();
        using var transport = SmtpClients.Connect(client, options, login, null, CancellationToken.None);
        var to = $"oauth2-{Guid.NewGuid():N}@clp.test";
        var content = System.Text.Encoding.ASCII.GetBytes($"From: {user}\r\nTo: {to}\r\nSubject: oauth2 {to}\r\nMessage-ID: <{Guid.NewGuid():N}@clp.test>\r\n\r\nSent after an OAuth2 login.\r\n");

        Assert.Equal(250, transport.Send(new SmtpEnvelope(user, to), content, CancellationToken.None).Code);
        Assert.Equal(2, endpoint.Issued.Count);
        await servers.WaitForMessageAsync(to, $"oauth2 {to}", TimeSpan.FromSeconds(30));
    }

    private MailLogin Google(OAuth2Endpoint endpoint, string user, TimeSpan renewBefore) =>
        MailLogins.Create("Imap", MailAuthMechanism.OAuth2, user, string.Empty,
            new OAuth2Options { Provider = OAuth2Provider.Google, ServiceAccountKeyFile = endpoint.WriteServiceAccountKey(_folder.FullName), RenewBefore = renewBefore },
            TimeProvider.System, NullLoggerFactory.Instance);

    private ImapOptions Imap(string user) => new()
    {
        Host = servers.Host,
        Port = servers.ImapPort,
        Security = SecureSocketOptions.None,
        Username = user,
        AuthMechanism = MailAuthMechanism.OAuth2,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static string Mailbox() => string.Create(CultureInfo.InvariantCulture, $"oauth-{Guid.NewGuid().ToString("N")[..12]}@clp.test");
}
