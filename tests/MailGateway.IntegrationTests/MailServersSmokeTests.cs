using ClpMailGateway.IntegrationTests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The mail servers the gateway relies on behave as DESIGN.md says: plus-addressed replies land in the
/// gateway mailbox, every address at clp.test has a mailbox with password demo, and nothing relays elsewhere.</summary>
[Collection(MailServersGroup.Name)]
public sealed class MailServersSmokeTests(MailServersFixture servers)
{
    [Fact]
    public async Task Send_ToPlusAddressedReplyToken_LandsInGatewayMailboxWithDeliveredTo()
    {
        var token = "Tok" + Guid.NewGuid().ToString("N");
        var subject = "smoke " + Guid.NewGuid();
        var message = Message("fr.lea@clp.test", $"reply+{token}@clp.test", subject, "Bonjour, réponse avec accents ✓");

        await SendAsync(message);
        var received = await servers.WaitForMessageAsync("reply@clp.test", subject, TimeSpan.FromSeconds(20));

        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal($"reply+{token}@clp.test", received.Headers["Delivered-To"], ignoreCase: true);
        Assert.Equal("Bonjour, réponse avec accents ✓", received.TextBody?.Trim());
        Assert.Equal("fr.lea@clp.test", received.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Send_ToDemoUser_ArrivesInTheirOwnMailbox()
    {
        var subject = "to anna " + Guid.NewGuid();

        await SendAsync(Message("cpc.ben@clp.test", "pm.anna@clp.test", subject, "hello"));
        var received = await servers.WaitForMessageAsync("pm.anna@clp.test", subject, TimeSpan.FromSeconds(20));

        Assert.Equal(subject, received.Subject);
    }

    [Fact]
    public async Task Send_ToUnknownLocalUser_IsRejectedPermanently()
    {
        using var client = await ConnectSmtpAsync();

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(Message("pm.anna@clp.test", $"unknown-{Guid.NewGuid():N}@clp.test", "nobody", "x")));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, ex.ErrorCode);
        Assert.True((int)ex.StatusCode >= 500, $"expected a 5xx, got {(int)ex.StatusCode}");
    }

    [Fact]
    public async Task Send_ToOtherDomain_IsNotRelayed()
    {
        using var client = await ConnectSmtpAsync();

        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(Message("pm.anna@clp.test", "someone@example.com", "relay?", "x")));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, ex.ErrorCode);
    }

    [Fact]
    public async Task Authenticate_DemoPassword_WorksOnSmtpAndImap_WrongPasswordFails()
    {
        using var smtp = await ConnectSmtpAsync();
        await smtp.AuthenticateAsync("reply@clp.test", MailServersFixture.Password);
        Assert.True(smtp.IsAuthenticated);

        using var imap = new ImapClient();
        await imap.ConnectAsync(servers.Host, servers.ImapPort, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync("reply@clp.test", "wrong"));
        await imap.AuthenticateAsync("reply@clp.test", MailServersFixture.Password);
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Idle));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Move));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.UidPlus));
    }

    private static MimeMessage Message(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.test");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private async Task SendAsync(MimeMessage message)
    {
        using var client = await ConnectSmtpAsync();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    private async Task<SmtpClient> ConnectSmtpAsync()
    {
        var client = new SmtpClient();
        await client.ConnectAsync(servers.Host, servers.SmtpPort, SecureSocketOptions.None);
        return client;
    }
}
