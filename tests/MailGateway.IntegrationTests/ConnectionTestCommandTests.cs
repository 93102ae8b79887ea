using System.Globalization;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.IntegrationTests;

/// <summary><c>imap test</c> and <c>smtp test --to</c> against the real Dovecot and Postfix, as an operator runs them:
/// JSON lines and exit 0, or one line naming what failed and exit 1.</summary>
[Collection(MailServersGroup.Name)]
public sealed class ConnectionTestCommandTests(MailServersFixture servers)
{
    [Fact]
    public async Task ImapTest_ReachableMailbox_PrintsTlsAuthFoldersAndTheMessageCount()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        await gateway.SendAsync(Mails.Reply("someone@clp.test", gateway.ReplyAddress("x"), "one mail"));
        await gateway.WaitForInboxAsync(1);

        var result = await RunAsync(gateway, [], "imap", "test");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Lines;
        Assert.Equal(["imap_connected", "imap_folders", "imap_mailbox"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal(gateway.GatewayAddress, lines[0].GetProperty("username").GetString());
        Assert.Equal("Password", lines[0].GetProperty("auth_mechanism").GetString());
        Assert.Contains(lines[0].GetProperty("auth_offered").EnumerateArray(), m => m.GetString() == "PLAIN");
        Assert.True(lines[0].GetProperty("idle").GetBoolean());
        Assert.Contains(lines[1].GetProperty("folders").EnumerateArray(), f => f.GetString() == "INBOX");
        Assert.Equal(1, lines[2].GetProperty("messages").GetInt32());
    }

    [Fact]
    public async Task ImapTest_WrongPassword_OneLineNamingTheLoginAndExit1()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);

        var result = await RunAsync(gateway, new() { ["Imap:Password"] = "wrong" }, "imap", "test");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.StartsWith($"error: imap test: IMAP {servers.Host}:{servers.ImapPort} as {gateway.GatewayAddress}: AuthenticationException", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImapTest_LoginInClearToAnotherHost_RefusedAtStartWithOneLine()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);

        var result = await RunAsync(gateway, new() { ["Imap:Host"] = "mail.example.test" }, "imap", "test");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Imap:Security is None but Imap:Host 'mail.example.test' is not a loopback address", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MailKit")]
    [InlineData("Native")]
    public async Task SmtpTest_ReachableRelay_PrintsWhatItOfferedAndItsAnswerAndTheMailArrives(string client)
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        var to = $"smtp-test-{Guid.NewGuid():N}@clp.test";

        var result = await RunAsync(gateway, new() { ["Smtp:Client"] = client }, "smtp", "test", "--to", to);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Lines;
        Assert.Equal(["smtp_connected", "smtp_sent"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal(client, lines[0].GetProperty("client").GetString());
        Assert.True(lines[0].GetProperty("pipelining").GetBoolean());
        Assert.Equal(JsonValueKindNull, lines[0].GetProperty("tls").ValueKind);
        Assert.StartsWith("250 ", lines[1].GetProperty("reply").GetString(), StringComparison.Ordinal);
        var delivered = await servers.WaitForMessageAsync(to, "[CLP] SMTP test", TimeSpan.FromSeconds(30));
        Assert.Equal(lines[1].GetProperty("message_id").GetString(), delivered.MessageId);
    }

    [Fact]
    public async Task SmtpTest_RecipientRefused_OneLineWithTheRefusalAndExit1()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);

        var result = await RunAsync(gateway, [], "smtp", "test", "--to", $"unknown-{Guid.NewGuid():N}@clp.test");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Matches(@"^error: smtp test: SMTP 127\.0\.0\.1:\d+ \(MailKit client\): the test mail to unknown-\w+@clp\.test was refused: 550 .*\(RCPT TO\)$", result.Error);
    }

    [Fact]
    public async Task SmtpTest_NothingListening_OneLineAndExit1()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var result = await RunAsync(gateway, new() { ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture) }, "smtp", "test", "--to", "lea@clp.test");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: smtp test: SMTP 127.0.0.1:{port} (MailKit client): ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmtpTest_WithoutTo_IsAUsageError()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers);

        var result = await RunAsync(gateway, [], "smtp", "test");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to", result.Error, StringComparison.Ordinal);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static Task<CliResult> RunAsync(GatewayHarness gateway, Dictionary<string, string?> settings, params string[] args)
    {
        var all = new Dictionary<string, string?>
        {
            ["Mail:Domain"] = MailServersFixture.Domain,
            ["Imap:Host"] = gateway.Servers.Host,
            ["Imap:Port"] = gateway.Servers.ImapPort.ToString(CultureInfo.InvariantCulture),
            ["Imap:Username"] = gateway.GatewayAddress,
            ["Imap:Password"] = MailServersFixture.Password,
            ["Smtp:Host"] = gateway.Servers.Host,
            ["Smtp:Port"] = gateway.Servers.SmtpPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new Cli(gateway.Database).RunWithSettingsAsync(all, args);
    }
}
