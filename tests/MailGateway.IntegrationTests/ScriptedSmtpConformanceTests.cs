using System.Text;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// The conformance suite of the outbox's SMTP clients against <see cref="ScriptedSmtpServer"/>s in the test process (no
/// Postfix), run for each client (<see cref="MailKitScriptedSmtpConformanceTests"/>, <see cref="NativeScriptedSmtpConformanceTests"/>):
/// STARTTLS response injection, STARTTLS stripped (credentials never sent in clear), a 421 in the middle, refusals at
/// MAIL, RCPT and after the data, multi-line replies, replies split across reads, PIPELINING with a failed RCPT, BDAT and
/// DATA with dot-stuffing checked on what the server received, SIZE, SMTPUTF8 and 8BITMIME present and absent, HELO
/// when EHLO is refused, a server that never answers, a certificate that does not match, and the protocol log with its
/// credentials masked. The same client against the real Postfix: <see cref="SmtpConformanceTests"/>.
/// </summary>
public abstract class ScriptedSmtpConformanceTests(SmtpClientKind client)
{
    private const string From = "bounces+x1@clp.test";

    [Fact]
    public async Task Connect_StartTlsReplyWithAnInjectedLine_NeverTakesItAsAReply()
    {
        await using var server = new ScriptedSmtpServer { OfferStartTls = true, InjectAfterStartTls = "250 2.0.0 injected" };
        var options = Options(server, SecureSocketOptions.StartTls);
        options.CertificateSha256 = ScriptedSmtpServer.Sha256(server.Certificate);

        try
        {
            using var transport = Connect(options);
            // A client that discards what came before TLS (MailKit) must then get the server's real replies.
            var reply = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("injection"), CancellationToken.None);
            Assert.Equal(250, reply.Code);
            Assert.DoesNotContain("injected", reply.Text, StringComparison.Ordinal);
            Assert.NotNull(transport.Offer.Tls);
            Assert.Single(server.Received);
        }
        catch (SmtpSessionException ex)
        {
            // A client that ends the session must say why, and must not have sent anything after STARTTLS.
            Assert.Contains("STARTTLS response injection", ex.Message, StringComparison.Ordinal);
            Assert.Equal("STARTTLS", server.Transcript[^1]);
        }
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.Auto)]
    public async Task Connect_StartTlsStrippedByTheServer_NeverSendsTheCredentials(SecureSocketOptions security)
    {
        await using var server = new ScriptedSmtpServer { OfferStartTls = false, Login = ("outbox@clp.test", "s3cret-pass") };
        var options = Options(server, security);
        options.Username = "outbox@clp.test";
        options.Password = "s3cret-pass";

        var error = Assert.ThrowsAny<Exception>(() => Connect(options, Login(options)));

        Assert.True(error is SmtpSessionException or MailKit.Security.AuthenticationException, $"{error.GetType().Name}: {error.Message}");
        Assert.DoesNotContain(server.Transcript, line => line.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Convert.ToBase64String("\0outbox@clp.test\0s3cret-pass"u8), server.TranscriptText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_LoginOverStartTls_AuthenticatesAndTheProtocolLogMasksTheCredentials()
    {
        await using var server = new ScriptedSmtpServer { OfferStartTls = true, Login = ("outbox@clp.test", "s3cret-pass") };
        var folder = Directory.CreateTempSubdirectory("clp-protocol-log-");
        try
        {
            var options = Options(server, SecureSocketOptions.StartTls);
            options.CertificateSha256 = ScriptedSmtpServer.Sha256(server.Certificate);
            options.Username = "outbox@clp.test";
            options.Password = "s3cret-pass";
            options.ProtocolLog = Path.Combine(folder.FullName, "smtp.log");
            using (var log = new SmtpProtocolLog(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System))
            using (var transport = Connect(options, Login(options), log.ForConnection()))
            {
                Assert.Equal("PLAIN", transport.Offer.AuthenticatedWith);
                Assert.Equal(250, transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("login"), CancellationToken.None).Code);
            }

            var written = await File.ReadAllTextAsync(options.ProtocolLog);
            Assert.Contains("C: AUTH PLAIN", written, StringComparison.Ordinal);
            Assert.Contains("S: 235", written, StringComparison.Ordinal);
            Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z #1 C: MAIL FROM:<bounces\+x1@clp\.test>", written);
            Assert.DoesNotContain(Convert.ToBase64String("\0outbox@clp.test\0s3cret-pass"u8), written, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret-pass", written, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Connect_CertificateForAnotherName_IsRefused()
    {
        await using var server = new ScriptedSmtpServer { OfferStartTls = true, Certificate = ScriptedSmtpServer.MakeCertificate("mail.other.test") };

        Assert.Throws<System.Security.Authentication.AuthenticationException>(() => Connect(Options(server, SecureSocketOptions.StartTls)));
        Assert.DoesNotContain(server.Transcript, line => line.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_ServerNeverAnswers_TimesOut()
    {
        await using var server = new ScriptedSmtpServer { Silent = true };
        var options = Options(server);
        options.Timeout = TimeSpan.FromMilliseconds(500);

        Assert.Throws<TimeoutException>(() => Connect(options));
    }

    [Fact]
    public async Task Connect_EhloRefused_FallsBackToHeloAndSendsWithData()
    {
        await using var server = new ScriptedSmtpServer { RefuseEhlo = true };
        using var transport = Connect(Options(server));

        Assert.Equal("HELO", transport.Offer.Hello);
        var content = Mail("helo", ".leading dot\r\n");
        Assert.Equal(250, transport.Send(new SmtpEnvelope(From, "lea@clp.test"), content, CancellationToken.None).Code);
        Assert.Contains(server.Transcript, line => line.StartsWith("HELO ", StringComparison.Ordinal));
        var received = Assert.Single(server.Received);
        Assert.False(received.Bdat);
        Assert.Equal(Encoding.UTF8.GetString(content), Encoding.UTF8.GetString(received.Content));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    public async Task Send_ServerSays421MidSession_TheMailIsNotSentAndTheConnectionIsNotReused(int atCommand, bool pipelining)
    {
        await using var server = new ScriptedSmtpServer { CloseAtCommand = atCommand, Extensions = pipelining ? ["PIPELINING", "8BITMIME"] : ["8BITMIME"] };
        using var transport = Connect(Options(server));

        try
        {
            var reply = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("421"), CancellationToken.None);
            Assert.Equal(421, reply.Code);
            Assert.Equal(SendResult.Transient, OutboxSender.Classify(reply));
        }
        catch (IOException)
        {
            // The connection dropped after the 421: retried all the same.
        }

        Assert.False(transport.IsOpen);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Send_RefusedAtMail_ReturnsTheRefusalForMailFrom()
    {
        await using var server = new ScriptedSmtpServer { MailReply = "550 5.7.1 sender refused" };
        using var transport = Connect(Options(server));

        var reply = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("refused-at-mail"), CancellationToken.None);

        Assert.Equal((550, SmtpReply.MailFrom), (reply.Code, reply.Command));
        Assert.Equal(SendResult.Undeliverable, OutboxSender.Classify(reply));
        Assert.True(transport.IsOpen);
        Assert.Empty(server.Received);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task Send_RecipientRefusedWithAMultiLineReply_ReturnsItAndTheNextMailGoesThrough(bool pipelining, bool chunking)
    {
        string[] extensions = ["8BITMIME", .. pipelining ? ["PIPELINING"] : Array.Empty<string>(), .. chunking ? ["CHUNKING"] : Array.Empty<string>()];
        await using var server = new ScriptedSmtpServer
        {
            Extensions = [.. extensions],
            RcptReply = to => to.StartsWith("gone", StringComparison.Ordinal) ? "550-5.1.1 <gone@clp.test>: no such user\r\n550 5.1.1 see the second line" : null,
        };
        using var transport = Connect(Options(server));

        var refused = transport.Send(new SmtpEnvelope(From, "gone@clp.test"), Mail("gone"), CancellationToken.None);
        var accepted = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("after"), CancellationToken.None);

        Assert.Equal((550, SmtpReply.RcptTo), (refused.Code, refused.Command));
        Assert.Contains("see the second line", refused.Text, StringComparison.Ordinal);
        Assert.Equal(SendResult.Permanent, OutboxSender.Classify(refused));
        Assert.Equal(250, accepted.Code);
        Assert.Equal("lea@clp.test", Assert.Single(server.Received).To);
    }

    [Fact]
    public async Task Send_ContentRefusedAfterTheData_ReturnsItAndTheNextMailGoesThrough()
    {
        await using var server = new ScriptedSmtpServer
        {
            ContentReply = content => Encoding.UTF8.GetString(content).Contains("REJECT-ME", StringComparison.Ordinal) ? "554 5.6.0 content refused" : "250 2.0.0 Ok: queued",
        };
        using var transport = Connect(Options(server));

        var refused = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("REJECT-ME"), CancellationToken.None);
        var accepted = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("fine"), CancellationToken.None);

        Assert.Equal((554, SmtpReply.Content), (refused.Code, refused.Command));
        Assert.Equal(SendResult.Undeliverable, OutboxSender.Classify(refused));
        Assert.Equal(250, accepted.Code);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task Send_RepliesSplitIntoSingleBytes_ReadsThemWhole()
    {
        await using var server = new ScriptedSmtpServer { SplitReplies = true };
        using var transport = Connect(Options(server));

        var reply = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("split"), CancellationToken.None);

        Assert.Equal(250, reply.Code);
        Assert.True(transport.Offer.Pipelining && transport.Offer.Chunking && transport.Offer.SmtpUtf8);
        Assert.Equal(10_000_000, transport.Offer.MaxSize);
        Assert.Single(server.Received);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_LinesStartingWithDots_ArriveExactlyWithBdatOrData(bool chunking)
    {
        await using var server = new ScriptedSmtpServer { Extensions = chunking ? ["PIPELINING", "CHUNKING", "8BITMIME"] : ["PIPELINING", "8BITMIME"] };
        using var transport = Connect(Options(server));
        var content = Mail("dots", ".one dot\r\n..two dots\r\n.\r\nlast line\r\n");

        Assert.Equal(250, transport.Send(new SmtpEnvelope(From, "lea@clp.test"), content, CancellationToken.None).Code);

        var received = Assert.Single(server.Received);
        Assert.Equal(chunking, received.Bdat);
        Assert.Equal(Encoding.UTF8.GetString(content), Encoding.UTF8.GetString(received.Content));
    }

    [Fact]
    public async Task Send_OverTheServersSize_IsRefusedWithoutSendingAndTheSessionStaysUsable()
    {
        await using var server = new ScriptedSmtpServer { Extensions = ["PIPELINING", "8BITMIME", "SIZE 2000"] };
        using var transport = Connect(Options(server));

        var refused = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), Mail("large", new string('x', 3000) + "\r\n"), CancellationToken.None);
        Assert.Equal(552, refused.Code);
        Assert.DoesNotContain(server.Transcript, line => line.StartsWith("MAIL", StringComparison.Ordinal));

        var small = Mail("small");
        Assert.Equal(250, transport.Send(new SmtpEnvelope(From, "lea@clp.test"), small, CancellationToken.None).Code);
        Assert.Contains($"SIZE={small.Length}", Assert.Single(server.Received).MailCommand, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_InternationalRecipient_UsesSmtpUtf8OnlyWhenOffered(bool offered)
    {
        await using var server = new ScriptedSmtpServer { Extensions = offered ? ["PIPELINING", "8BITMIME", "SMTPUTF8"] : ["PIPELINING", "8BITMIME"] };
        using var transport = Connect(Options(server));

        var reply = transport.Send(new SmtpEnvelope(From, "émilie@clp.test"), Mail("utf8"), CancellationToken.None);

        if (offered)
        {
            Assert.Equal(250, reply.Code);
            var received = Assert.Single(server.Received);
            Assert.Equal("émilie@clp.test", received.To);
            Assert.Contains(" SMTPUTF8", received.MailCommand, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(553, reply.Code);
            Assert.Equal(SendResult.Undeliverable, OutboxSender.Classify(reply));
            Assert.DoesNotContain(server.Transcript, line => line.StartsWith("MAIL", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_EightBitContent_DeclaredWith8BitMimeOrNotSentWithout(bool offered)
    {
        await using var server = new ScriptedSmtpServer { Extensions = offered ? ["PIPELINING", "8BITMIME"] : ["PIPELINING"] };
        using var transport = Connect(Options(server));
        var content = Mail("8bit", "Café crème, 字幕\r\n");

        var reply = transport.Send(new SmtpEnvelope(From, "lea@clp.test"), content, CancellationToken.None);

        if (offered)
        {
            Assert.Equal(250, reply.Code);
            var received = Assert.Single(server.Received);
            Assert.Contains("BODY=8BITMIME", received.MailCommand, StringComparison.Ordinal);
            Assert.Equal(Encoding.UTF8.GetString(content), Encoding.UTF8.GetString(received.Content));
        }
        else
        {
            Assert.Equal(451, reply.Code);
            Assert.Empty(server.Received);
        }
    }

    [Fact]
    public async Task Send_NullSender_GoesAsAnEmptyPath()
    {
        await using var server = new ScriptedSmtpServer();
        using var transport = Connect(Options(server));

        Assert.Equal(250, transport.Send(new SmtpEnvelope(string.Empty, "lea@clp.test"), Mail("null-sender"), CancellationToken.None).Code);

        Assert.StartsWith("MAIL FROM:<> ", Assert.Single(server.Received).MailCommand, StringComparison.Ordinal);
    }

    private ISmtpTransport Connect(SmtpOptions options, MailLogin? login = null, IProtocolLogger? log = null) =>
        SmtpClients.Connect(client, options, login, log, CancellationToken.None);

    private static MailLogin Login(SmtpOptions options) => SmtpClients.PasswordLogin(options);

    private static SmtpOptions Options(ScriptedSmtpServer server, SecureSocketOptions security = SecureSocketOptions.None) =>
        new() { Host = "127.0.0.1", Port = server.Port, Security = security, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A small rendered mail (CRLF, ends with CRLF) whose body is <paramref name="body"/>.</summary>
    private static byte[] Mail(string subject, string body = "Hello.\r\n") =>
        Encoding.UTF8.GetBytes($"From: CLP <notifications@clp.test>\r\nTo: lea@clp.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@clp.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}");
}

public sealed class MailKitScriptedSmtpConformanceTests() : ScriptedSmtpConformanceTests(SmtpClientKind.MailKit);

public sealed class NativeScriptedSmtpConformanceTests() : ScriptedSmtpConformanceTests(SmtpClientKind.Native);
