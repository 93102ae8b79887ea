using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The conformance suite of the outbox's SMTP clients against the real Postfix, run for each client
/// (<see cref="MailKitSmtpConformanceTests"/>, <see cref="NativeSmtpConformanceTests"/>): pipelined transactions, one
/// command at a time and DATA with dot-stuffing when the server offers neither PIPELINING nor CHUNKING (Postfix behind
/// <see cref="SmtpForwarder"/> with those EHLO lines taken out), refusals that leave the session usable, AUTH without
/// the credentials in the protocol log, the server's SIZE, SMTPUTF8, TLS with a pinned certificate and without, and a
/// server that never answers. The same cases against scripted servers: <see cref="ScriptedSmtpConformanceTests"/>.</summary>
public abstract partial class SmtpConformanceTests(MailServersFixture servers, SmtpClientKind client)
{
    private const string From = "notifications@clp.test";

    [Fact]
    public async Task Send_PipeliningAndChunking_WholeTransactionInOneWriteAndDelivered()
    {
        var (tag, address, content) = Mail("pipelined");
        using var log = new MemoryStream();
        using (var session = Connect(Options(servers.SmtpPort), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.True(session.Offer.Pipelining && session.Offer.Chunking && session.Offer.EightBitMime);
            var reply = session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None);
            Assert.Equal(250, reply.Code);
            Assert.True(session.IsOpen);
        }

        var protocol = Encoding.UTF8.GetString(log.ToArray());
        // Both clients pipeline MAIL and RCPT, read their replies, then send BDAT with the content.
        Assert.Matches(@$"C: MAIL FROM:<{Regex.Escape(From)}> SIZE={content.Length} BODY=8BITMIME\r\nC: RCPT TO:<{Regex.Escape(address)}>\r\nS: 250[^\n]*\nS: 250[^\n]*\nC: BDAT {content.Length} LAST\r\n", protocol);

        Assert.DoesNotContain("C: DATA", protocol, StringComparison.Ordinal);
        await AssertDeliveredAsync(address, tag, content);
    }

    [Fact]
    public async Task Send_ServerWithoutPipeliningOrChunking_OneCommandAtATimeWithDotStuffedData()
    {
        await using var forwarder = new SmtpForwarder(servers.Host, servers.SmtpPort)
        {
            RewriteReplies = text => WithoutExtensions(text, "PIPELINING", "CHUNKING"),
        };
        var (tag, address, content) = Mail("sequential");
        using var log = new MemoryStream();
        using (var session = Connect(Options(forwarder.Port), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.False(session.Offer.Pipelining || session.Offer.Chunking);
            Assert.Equal(250, session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None).Code);
        }

        var protocol = Encoding.UTF8.GetString(log.ToArray());
        Assert.Matches(@"C: MAIL FROM:[^\n]*\nS: 250[^\n]*\nC: RCPT TO:[^\n]*\nS: 250[^\n]*\nC: DATA\r\nS: 354", protocol);
        Assert.Contains("C: ..a line that starts with a dot", protocol, StringComparison.Ordinal);
        Assert.DoesNotContain("BDAT", protocol, StringComparison.Ordinal);
        await AssertDeliveredAsync(address, tag, content);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_RecipientRefused_ReturnsTheRefusalAndTheNextMailGoesThrough(bool chunking)
    {
        var (_, _, refusedContent) = Mail("refused");
        var (tag, address, content) = Mail("after-refusal");
        using var log = new MemoryStream();
        using (var session = Connect(Options(servers.SmtpPort, chunking), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            var refused = session.Send(new SmtpEnvelope(From, $"unknown-{Guid.NewGuid():N}@clp.test"), refusedContent, CancellationToken.None);
            Assert.Equal(550, refused.Code);
            Assert.Contains("5.1.1", refused.Text, StringComparison.Ordinal);
            Assert.True(session.IsOpen);

            Assert.Equal(250, session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None).Code);
        }

        Assert.Contains("C: RSET", Encoding.UTF8.GetString(log.ToArray()), StringComparison.Ordinal);
        await AssertDeliveredAsync(address, tag, content);
    }

    [Fact]
    public async Task Send_NullSender_GoesAsEmptyPath()
    {
        var (tag, address, content) = Mail("null-sender");
        using var log = new MemoryStream();
        using (var session = Connect(Options(servers.SmtpPort), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.Equal(250, session.Send(new SmtpEnvelope(string.Empty, address), content, CancellationToken.None).Code);
        }

        Assert.Contains("C: MAIL FROM:<> ", Encoding.UTF8.GetString(log.ToArray()), StringComparison.Ordinal);
        await AssertDeliveredAsync(address, tag, content);
    }

    [Theory]
    [InlineData("PLAIN LOGIN", "AUTH PLAIN ********")]
    [InlineData("LOGIN", "AUTH LOGIN")]
    public async Task Connect_WithCredentials_AuthenticatesWithoutLoggingThem(string offered, string expectedCommand)
    {
        await using var forwarder = new SmtpForwarder(servers.Host, servers.SmtpPort)
        {
            RewriteReplies = text => Regex.Replace(text, @"AUTH [^\r]*", "AUTH " + offered),
        };
        var options = Options(forwarder.Port);
        options.Username = "outbox@clp.test";
        options.Password = MailServersFixture.Password;
        var (tag, address, content) = Mail("auth");
        using var log = new MemoryStream();
        using (var session = Connect(options, Login(options), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.Equal(250, session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None).Code);
        }

        var protocol = Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("C: " + expectedCommand, protocol, StringComparison.Ordinal);
        Assert.Contains("S: 235", protocol, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(MailServersFixture.Password)), protocol, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{options.Username}\0{options.Password}")), protocol, StringComparison.Ordinal);
        await AssertDeliveredAsync(address, tag, content);
    }

    [Fact]
    public void Connect_WrongPassword_ThrowsWithTheServersRefusal()
    {
        var options = Options(servers.SmtpPort);
        options.Username = "outbox@clp.test";
        options.Password = "not-the-password";

        var error = Assert.Throws<MailKit.Security.AuthenticationException>(() => Connect(options, Login(options), null, CancellationToken.None));

        Assert.Contains("535", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_OverTheServersSize_IsRefusedWithoutSendingAndTheSessionStaysUsable()
    {
        await using var forwarder = new SmtpForwarder(servers.Host, servers.SmtpPort)
        {
            RewriteReplies = text => SizeLine().Replace(text, "${1}2000\r\n"),
        };
        var (_, _, large) = Mail("too-large", padding: 3000);
        var (tag, address, small) = Mail("small-enough");
        Assert.True(small.Length < 2000, $"{small.Length} bytes");
        using var log = new MemoryStream();
        using (var session = Connect(Options(forwarder.Port), new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.Equal(2000, session.Offer.MaxSize);
            var refused = session.Send(new SmtpEnvelope(From, address), large, CancellationToken.None);
            Assert.Equal(552, refused.Code);
            Assert.DoesNotContain("MAIL FROM", Encoding.UTF8.GetString(log.ToArray()), StringComparison.Ordinal);
            Assert.Equal(250, session.Send(new SmtpEnvelope(From, address), small, CancellationToken.None).Code);
        }

        await AssertDeliveredAsync(address, tag, small);
    }

    [Fact]
    public void Connect_StartTlsRequiredButNotOffered_RefusesToGoOnInTheClear()
    {
        var options = Options(servers.SmtpPort);
        options.Security = SecureSocketOptions.StartTls;

        var error = Assert.Throws<SmtpSessionException>(() => Connect(options, null, CancellationToken.None));

        Assert.Contains("STARTTLS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData(SecureSocketOptions.Auto)]
    public void Connect_StartTlsWhenAvailableAndNotOffered_GoesOnInTheClear(SecureSocketOptions security)
    {
        var options = Options(servers.SmtpPort);
        options.Security = security;

        using var session = Connect(options, null, CancellationToken.None);

        Assert.False(session.Offer.Tls is not null);
        Assert.True(session.IsOpen);
    }

    [Theory]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.Auto)]
    public async Task Connect_TlsWithThePinnedCertificate_EncryptsAndDelivers(SecureSocketOptions security)
    {
        var options = Options(security == SecureSocketOptions.SslOnConnect ? servers.SmtpsPort : servers.SubmissionPort);
        options.Security = security;
        options.CertificateSha256 = await TestCertificateSha256Async();
        var (tag, address, content) = Mail("tls");
        using var log = new MemoryStream();
        using (var session = Connect(options, new ProtocolLogger(log, leaveOpen: true), CancellationToken.None))
        {
            Assert.True(session.Offer.Tls is not null);
            Assert.True(session.Offer.Pipelining && session.Offer.Chunking);
            Assert.Equal(250, session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None).Code);
        }

        var protocol = Encoding.UTF8.GetString(log.ToArray());
        if (security != SecureSocketOptions.SslOnConnect)
        {
            // EHLO in the clear, STARTTLS, then EHLO again inside TLS (RFC 3207 §4.2: forget what was learned before).
            Assert.Matches(@"C: EHLO [^\n]*\n(S: [^\n]*\n)+C: STARTTLS\r\nS: 220[^\n]*\nC: EHLO ", protocol);
        }

        await AssertDeliveredAsync(address, tag, content);
    }

    [Theory]
    [InlineData(SecureSocketOptions.SslOnConnect, false)]
    [InlineData(SecureSocketOptions.StartTls, false)]
    [InlineData(SecureSocketOptions.StartTls, true)]
    public void Connect_SelfSignedCertificateNotPinned_IsRefused(SecureSocketOptions security, bool otherPin)
    {
        var options = Options(security == SecureSocketOptions.SslOnConnect ? servers.SmtpsPort : servers.SubmissionPort);
        options.Security = security;
        if (otherPin)
        {
            options.CertificateSha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("another certificate"u8));
        }

        Assert.Throws<System.Security.Authentication.AuthenticationException>(() => Connect(options, null, CancellationToken.None));
    }

    [Fact]
    public void Send_InTheClearWhereTlsIsRequired_IsRetriedNotFailed()
    {
        var (_, address, content) = Mail("needs-tls");
        using var session = Connect(Options(servers.SubmissionPort), null, CancellationToken.None);

        var reply = session.Send(new SmtpEnvelope(From, address), content, CancellationToken.None);

        Assert.Equal((530, SmtpReply.MailFrom), (reply.Code, reply.Command));
        Assert.Equal(SendResult.Transient, OutboxSender.Classify(reply));
    }

    /// <summary>The session blocks on its socket; cancelling closes the socket, so a silent server does not hold a
    /// stopping gateway for the whole <see cref="SmtpOptions.Timeout"/> (which would end in a TimeoutException).</summary>
    [Fact]
    public Task Connect_CancelledWhileTheServerIsSilent_StopsWithOperationCanceled() => WithSilentServerAsync(async options =>
    {
        options.Timeout = TimeSpan.FromMinutes(5);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() => Connect(options, null, stop.Token)));
    });

    [Fact]
    public Task Connect_ServerNeverGreets_TimesOut() => WithSilentServerAsync(options =>
    {
        options.Timeout = TimeSpan.FromMilliseconds(300);

        Assert.Throws<TimeoutException>(() => Connect(options, null, CancellationToken.None));
        return Task.CompletedTask;
    });

    /// <summary>A server whose queue of connections is full: the kernel drops the gateway's SYN, so the connect itself
    /// waits, and must end at <see cref="SmtpOptions.Timeout"/>.</summary>
    [Fact]
    public async Task Connect_ServerNeverAcceptsTheConnection_TimesOut()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            // Connections that are never accepted, until one cannot even be made: then the queue is full.
            while (true)
            {
                Assert.True(fillers.Count < 64, "the listener's queue never filled");
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    await filler.ConnectAsync(endpoint, wait.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var options = Options(endpoint.Port);
            options.Timeout = TimeSpan.FromMilliseconds(500);

            var error = Assert.Throws<TimeoutException>(() => Connect(options, null, CancellationToken.None));
            Assert.Contains("did not accept the connection", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public void Connect_HostThatCannotBeLookedUp_FailsNamingTheHost()
    {
        var options = Options(25);
        options.Host = "smtp.gateway-test.invalid"; // RFC 2606: never resolves
        options.Timeout = TimeSpan.FromSeconds(2);

        var error = Assert.ThrowsAny<Exception>(() => Connect(options, null, CancellationToken.None));

        Assert.True(error is IOException or TimeoutException, $"{error.GetType().Name}: {error.Message}");
        Assert.Contains("smtp.gateway-test.invalid could not be looked up", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="test"/> with options pointing at a server that accepts the connection and never says
    /// a word.</summary>
    private static async Task WithSilentServerAsync(Func<SmtpOptions, Task> test)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var accepting = listener.AcceptTcpClientAsync();
            await test(Options(((IPEndPoint)listener.LocalEndpoint).Port));
            (await accepting).Dispose();
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The SHA-256 of the test MTA's self-signed certificate, from the file scripts/mail-servers made.</summary>
    private static async Task<string> TestCertificateSha256Async()
    {
        var pem = await File.ReadAllTextAsync(Path.Combine(MailServersFixture.StateDirectory, "tls", "cert.pem"));
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
    }

    /// <summary>A connection with the client under test.</summary>
    private ISmtpTransport Connect(SmtpOptions options, IProtocolLogger? log, CancellationToken cancellationToken) =>
        Connect(options, null, log, cancellationToken);

    private ISmtpTransport Connect(SmtpOptions options, MailLogin? login, IProtocolLogger? log, CancellationToken cancellationToken) =>
        SmtpClients.Connect(client, options, login, log, cancellationToken);

    private static MailLogin Login(SmtpOptions options) => SmtpClients.PasswordLogin(options);

    private static SmtpOptions Options(int port, bool chunking = true) =>
        new() { Host = "127.0.0.1", Port = port, Security = SecureSocketOptions.None, Chunking = chunking, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A mail as the outbox sends it (CRLF, 8-bit UTF-8, lines that start with dots).</summary>
    private static (string Tag, string Address, byte[] Content) Mail(string kind, int padding = 0)
    {
        var tag = "q" + Guid.NewGuid().ToString("N")[..10];
        var address = $"session-{kind}-{tag}@{MailServersFixture.Domain}";
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("CLP", From));
        message.To.Add(new MailboxAddress("Émilie", address));
        message.Subject = $"{tag} {kind}";
        var text = $"{tag}\n.a line that starts with a dot\n.\n字幕のタイミング, Café crème\n{new string('x', padding)}\n";
        message.Body = new TextPart("plain") { Text = text, ContentTransferEncoding = ContentEncoding.EightBit };
        using var wire = new MemoryStream();
        message.WriteTo(SmtpSession.WireFormat, wire);
        return (tag, address, wire.ToArray());
    }

    private async Task AssertDeliveredAsync(string address, string tag, byte[] content)
    {
        var sent = MimeMessage.Load(new MemoryStream(content));
        var delivered = await servers.WaitForMessageAsync(address, tag, TimeSpan.FromSeconds(30));
        Assert.Equal(sent.MessageId, delivered.MessageId);
        Assert.Equal(sent.TextBody, delivered.TextBody);
    }

    /// <summary>The EHLO reply without those extensions (the last line keeps its "250 " form).</summary>
    private static string WithoutExtensions(string text, params string[] keywords)
    {
        foreach (var keyword in keywords)
        {
            text = text.Replace($"250-{keyword}\r\n", string.Empty, StringComparison.Ordinal);
            if (text.Contains($"250 {keyword}\r\n", StringComparison.Ordinal))
            {
                text = Regex.Replace(text.Replace($"250 {keyword}\r\n", string.Empty, StringComparison.Ordinal), @"250-([^\r\n]*)\r\n$", "250 $1\r\n");
            }
        }

        return text;
    }

    [GeneratedRegex(@"(250[- ]SIZE )\d+\r\n")]
    private static partial Regex SizeLine();
}

[Collection(MailServersGroup.Name)]
public sealed class MailKitSmtpConformanceTests(MailServersFixture servers) : SmtpConformanceTests(servers, SmtpClientKind.MailKit);

[Collection(MailServersGroup.Name)]
public sealed class NativeSmtpConformanceTests(MailServersFixture servers) : SmtpConformanceTests(servers, SmtpClientKind.Native);
