using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ClpMailGateway.MailAuth;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The default SMTP client of the outbox: MailKit's <see cref="SmtpClient"/>, handed the rendered bytes as they are
/// (<see cref="RenderedMessage"/>: nothing parsed, prepared or measured again). MailKit speaks the protocol: PIPELINING,
/// BDAT with CHUNKING when <see cref="SmtpOptions.Chunking"/> allows, DATA with dot-stuffing otherwise, STARTTLS with
/// what was buffered before TLS discarded, HELO when EHLO is refused. The socket is connected here, blocking and within
/// <see cref="SmtpOptions.Timeout"/>, as for the native client, so that cancelling closes it. MailKit's exceptions become
/// the seam's replies (a refusal) or <see cref="IOException"/>/<see cref="TimeoutException"/> (the connection).
/// </summary>
public sealed class MailKitSmtpTransport : ISmtpTransport
{
    private readonly GatewaySmtpClient _client;
    private readonly Socket _socket;
    private readonly TimeSpan _timeout;
    private readonly RenderedMessage _rendered = new();
    private SmtpServerOffer _offer = new();
    private bool _broken;

    private MailKitSmtpTransport(GatewaySmtpClient client, Socket socket, TimeSpan timeout)
    {
        _client = client;
        _socket = socket;
        _timeout = timeout;
    }

    public SmtpServerOffer Offer => _offer;

    public bool IsOpen => !_broken && _client.IsConnected;

    /// <summary>Connects, says EHLO, starts TLS as <paramref name="options"/> say and logs in with <paramref name="login"/>
    /// (null: no AUTH).</summary>
    public static MailKitSmtpTransport Connect(SmtpOptions options, MailLogin? login, IProtocolLogger? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var socket = SmtpConnecting.ConnectSocket(options, cancellationToken);
        var client = log is null ? new GatewaySmtpClient(options.Chunking) : new GatewaySmtpClient(options.Chunking, log);
        var transport = new MailKitSmtpTransport(client, socket, options.Timeout);
        try
        {
            using var abort = cancellationToken.Register(static s => ((Socket)s!).Dispose(), socket);
            var pin = options.CertificateSha256.Length > 0 ? CertificatePin.Parse(options.CertificateSha256) : null;
            client.Timeout = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => CertificatePin.Accepts(certificate, errors, pin);
            var security = options.Security == SecureSocketOptions.Auto && options.Port != 465 ? SecureSocketOptions.StartTlsWhenAvailable : options.Security;
            client.Connect(socket, options.Host, options.Port, security, cancellationToken);
            if (login is not null)
            {
                login.EnsureMaySendCredentials(options.Security, client.IsSecure, options.Host, (client.Capabilities & SmtpCapabilities.StartTLS) != 0);

                var mechanism = login.Authenticate(
                    client.AuthenticationMechanisms,
                    sasl => client.Authenticate(sasl, cancellationToken),
                    cancellationToken);
                transport._offer = transport.Describe(mechanism);
            }
            else
            {
                transport._offer = transport.Describe(null);
            }

            return transport;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            transport.Dispose();
            throw ex as OperationCanceledException ?? new OperationCanceledException("stopped while connecting", ex, cancellationToken);
        }
        catch (Exception ex)
        {
            transport.Dispose();
            throw Translate(ex, options.Timeout, $"SMTP {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}") ?? ex;
        }
    }

    public SmtpReply Send(SmtpEnvelope envelope, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new IOException("the SMTP session is no longer usable");
        }

        var eightBit = content.Span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        if (SmtpConnecting.Precheck(eightBit, _offer.EightBitMime, content.Length, _offer.MaxSize) is { } unsent)
        {
            return unsent;
        }

        if (!TryMailbox(envelope.Sender, out var sender) || !TryMailbox(envelope.Recipient, out var recipient))
        {
            return SmtpConnecting.NotAsciiEnvelope;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var abort = cancellationToken.Register(static s => ((Socket)s!).Dispose(), _socket);
        var message = _rendered.For(content, eightBit);
        try
        {
            var response = _client.Send(RenderedMessage.Format, message, sender, [recipient], cancellationToken);
            return new SmtpReply(250, response, SmtpReply.Content);
        }
        catch (SmtpCommandException ex)
        {
            var reply = new SmtpReply((int)ex.StatusCode, ex.Message, ex.ErrorCode switch
            {
                SmtpErrorCode.SenderNotAccepted => SmtpReply.MailFrom,
                SmtpErrorCode.RecipientNotAccepted => SmtpReply.RcptTo,
                SmtpErrorCode.MessageNotAccepted => SmtpReply.Content,
                _ => null,
            });
            if (reply.ClosesConnection || !_client.IsConnected)
            {
                _broken = true;
            }

            return reply;
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            // 530 at MAIL FROM: the server wants AUTH (or TLS) first; MailKit reset the transaction.
            return new SmtpReply(530, ex.Message, SmtpReply.MailFrom);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new OperationCanceledException("stopped while sending", ex, cancellationToken);
        }
        catch (Exception ex)
        {
            _broken = true;
            throw Translate(ex, _timeout, "the SMTP server") ?? ex;
        }
    }

    public bool NoOp()
    {
        if (!IsOpen)
        {
            return false;
        }

        try
        {
            _client.NoOp();
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ProtocolException or SmtpCommandException or InvalidOperationException)
        {
            _broken = true;
            return false;
        }
    }

    public void Quit()
    {
        if (IsOpen)
        {
            try
            {
                _client.Timeout = 2000;
                _client.Disconnect(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ProtocolException or SmtpCommandException or InvalidOperationException)
            {
                // Closing anyway.
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        _broken = true;
        _client.Dispose();
        _socket.Dispose();
        _rendered.Dispose();
    }

    /// <summary>MailKit's connection failures as the seam's: a timeout is a <see cref="TimeoutException"/>, a broken
    /// protocol or a missing extension an <see cref="SmtpSessionException"/> (an <see cref="IOException"/>). Null: keep
    /// the exception as it is (I/O, TLS and authentication failures already are what the outbox expects).</summary>
    private static Exception? Translate(Exception ex, TimeSpan timeout, string what) => ex switch
    {
        TimeoutException => null,
        SslHandshakeException => new System.Security.Authentication.AuthenticationException($"{what}: {ex.Message}", ex),
        _ when SmtpConnecting.IsTimeout(ex) || ex is OperationCanceledException => new TimeoutException($"{what} did not answer within {timeout.TotalSeconds:0.#} s", ex),
        SmtpCommandException command => new SmtpSessionException($"{what} refused a step of opening the session: {(int)command.StatusCode} {command.Message}", new SmtpReply((int)command.StatusCode, command.Message)),
        ProtocolException or NotSupportedException or ServiceNotConnectedException => new SmtpSessionException($"{what}: {ex.Message}"),
        _ => null,
    };

    private bool TryMailbox(string address, out MailboxAddress mailbox)
    {
        mailbox = address.Length == 0 ? new MailboxAddress(string.Empty, string.Empty) : MailboxAddress.Parse(address);
        return _offer.SmtpUtf8 || Ascii.IsValid(mailbox.GetAddress(idnEncode: true));
    }

    private SmtpServerOffer Describe(string? mechanism)
    {
        var capabilities = _client.Capabilities;
        return new SmtpServerOffer
        {
            Hello = capabilities == SmtpCapabilities.None ? "HELO" : "EHLO",
            Pipelining = (capabilities & SmtpCapabilities.Pipelining) != 0,
            Chunking = (capabilities & SmtpCapabilities.Chunking) != 0,
            EightBitMime = (capabilities & SmtpCapabilities.EightBitMime) != 0,
            SmtpUtf8 = (capabilities & SmtpCapabilities.UTF8) != 0,
            StartTls = (capabilities & SmtpCapabilities.StartTLS) != 0,
            MaxSize = (capabilities & SmtpCapabilities.Size) != 0 ? (long)_client.MaxSize : 0,
            AuthMechanisms = [.. _client.AuthenticationMechanisms],
            Tls = _client.IsSecure ? _client.SslProtocol.ToString() : null,
            AuthenticatedWith = mechanism,
        };
    }

    /// <summary>MailKit's client with BDAT preferred when the options allow it.</summary>
    private sealed class GatewaySmtpClient : SmtpClient
    {
        private readonly bool _chunking;

        public GatewaySmtpClient(bool chunking) => _chunking = chunking;

        public GatewaySmtpClient(bool chunking, IProtocolLogger log)
            : base(log) => _chunking = chunking;

        protected override bool PreferSendAsBinaryData => _chunking;

        /// <summary>The rendered bytes are ready for this server (<see cref="RenderedMessage"/>): nothing to prepare.</summary>
        protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
        {
            if (!RenderedMessage.Is(message))
            {
                base.Prepare(options, message, constraint, maxLineLength);
            }
        }

        protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            RenderedMessage.Is(message) ? RenderedMessage.LengthOf(message) : base.GetSize(options, message, cancellationToken);
    }
}
