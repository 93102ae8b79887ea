using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ClpMailGateway.MailAuth;
using MailKit;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The native SMTP client (<c>Smtp:Client = Native</c>): one connection of the outbox, spoken directly. The mails are
/// rendered bytes already (<see cref="StoredMail"/>), so all a transaction needs is its envelope, and with PIPELINING
/// (RFC 2920) and CHUNKING (RFC 3030) the whole of it, <c>MAIL FROM</c>, <c>RCPT TO</c>, <c>BDAT n LAST</c> and the
/// bytes, goes out in one write and its three replies come back in one read: one round trip per mail.
/// <para>
/// A server without PIPELINING gets one command at a time; without CHUNKING (or with <see cref="SmtpOptions.Chunking"/>
/// off), DATA with dot-stuffing; one that refuses EHLO gets HELO and no extensions. TLS as
/// <see cref="SmtpOptions.Security"/> says (MailKit's meanings of <see cref="SecureSocketOptions"/>; the certificate
/// trusted by the system or pinned by <see cref="SmtpOptions.CertificateSha256"/>); bytes the server sent after its 220
/// to STARTTLS, before the handshake, end the session (they would otherwise be read as replies after it: STARTTLS
/// response injection). AUTH through MailKit's <see cref="SaslMechanism"/> classes, chosen by <see cref="MailLogin"/> as
/// for MailKit's client, and never without TLS unless the configuration says no TLS to a loopback host. The reply to
/// each step of a mail is returned, never thrown; an I/O error, a timeout or a broken reply throws and leaves the
/// session unusable.
/// </para>
/// <para>
/// Blocking I/O, for a thread of its own (the outbox's workers): awaiting each reply through the runtime's socket engine
/// costs several times the CPU per mail on a small machine, CPU that an MTA on the same cores needs. Every read and
/// write waits at most <see cref="SmtpOptions.Timeout"/>; cancelling the token closes the socket, which ends a blocked
/// call.
/// </para>
/// </summary>
public sealed class SmtpSession : ISmtpTransport
{
    /// <summary>Bytes of content copied into the command buffer so that a small mail goes out in one write; a larger
    /// one is written after its commands, straight from the caller's buffer.</summary>
    private const int CopyContentBelow = 256 * 1024;

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly IProtocolLogger? _log;
    private readonly TimeSpan _timeout;
    private readonly ArrayBufferWriter<byte> _out = new(8 * 1024);
    private readonly byte[] _in = new byte[8 * 1024];
    private Stream _stream;
    private int _inStart;
    private int _inEnd;
    private bool _broken;
    private string _hello = "EHLO";
    private string? _authenticatedWith;

    private SmtpSession(Socket socket, Stream stream, TimeSpan timeout, IProtocolLogger? log)
    {
        _socket = socket;
        _stream = stream;
        _timeout = timeout;
        _log = log;
    }

    /// <summary>How a mail is written for <see cref="Send"/>, as MailKit's client writes it: CRLF line ends, a final
    /// newline, no Bcc, Resent-Bcc or Content-Length.</summary>
    public static FormatOptions WireFormat { get; } = CreateWireFormat();

    public bool Pipelining { get; private set; }

    public bool Chunking { get; private set; }

    public bool EightBitMime { get; private set; }

    public bool SmtpUtf8 { get; private set; }

    public bool StartTls { get; private set; }

    /// <summary>The server's SIZE limit in bytes; 0 when it states none.</summary>
    public long MaxSize { get; private set; }

    public IReadOnlySet<string> AuthMechanisms { get; private set; } = new HashSet<string>();

    public bool IsEncrypted => _stream is SslStream;

    /// <summary>Connected and in a known state: no I/O error, timeout or broken reply so far, no 421.</summary>
    public bool IsOpen => !_broken;

    public SmtpServerOffer Offer => new()
    {
        Hello = _hello,
        Pipelining = Pipelining,
        Chunking = Chunking,
        EightBitMime = EightBitMime,
        SmtpUtf8 = SmtpUtf8,
        StartTls = StartTls,
        MaxSize = MaxSize,
        AuthMechanisms = [.. AuthMechanisms],
        Tls = (_stream as SslStream)?.SslProtocol.ToString(),
        AuthenticatedWith = _authenticatedWith,
    };

    /// <summary>Whether transactions use BDAT (the server offers CHUNKING and the options allow it).</summary>
    private bool UseBdat { get; set; }

    /// <summary>Connects, reads the greeting, says EHLO, starts TLS as <paramref name="options"/> say and logs in with
    /// <paramref name="login"/> (null: no AUTH).</summary>
    public static SmtpSession Connect(SmtpOptions options, MailLogin? login, IProtocolLogger? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var security = options.Security == SecureSocketOptions.Auto
            ? options.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable
            : options.Security;
        var socket = SmtpConnecting.ConnectSocket(options, cancellationToken);
        SmtpSession? session = null;
        try
        {
            using var abort = cancellationToken.Register(static s => ((Socket)s!).Dispose(), socket);
            log?.LogConnect(new Uri($"{(security == SecureSocketOptions.SslOnConnect ? "smtps" : "smtp")}://{options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}"));
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (security == SecureSocketOptions.SslOnConnect)
            {
                stream = HandshakeTls(stream, options);
            }

            session = new SmtpSession(socket, stream, options.Timeout, log);
            var greeting = session.ReadReply();
            if (greeting.Code != 220)
            {
                throw new SmtpSessionException("The server did not greet", greeting);
            }

            session.Hello(socket);
            if (security == SecureSocketOptions.StartTls || (security == SecureSocketOptions.StartTlsWhenAvailable && session.StartTls))
            {
                if (!session.StartTls)
                {
                    throw new SmtpSessionException("Smtp:Security is StartTls but the server does not offer STARTTLS");
                }

                var reply = session.Command("STARTTLS");
                if (reply.Code != 220)
                {
                    throw new SmtpSessionException("STARTTLS was refused", reply);
                }

                session.EnsureNothingBeforeTls(socket);

                session._stream = HandshakeTls(session._stream, options);
                session.Hello(socket);
            }

            if (login is not null)
            {
                login.EnsureMaySendCredentials(options.Security, session.IsEncrypted, options.Host, session.StartTls);

                // MailKit's OAUTHBEARER class needs the server's host and port, which only MailKit's own clients can set:
                // the native client logs in with XOAUTH2 (offered wherever OAUTHBEARER is, Microsoft 365 and Gmail alike).
                session._authenticatedWith = login.Authenticate(
                    session.AuthMechanisms.Where(m => !m.Equals("OAUTHBEARER", StringComparison.OrdinalIgnoreCase)).ToList(),
                    session.Authenticate,
                    cancellationToken);
            }

            session.UseBdat = options.Chunking && session.Chunking;
            return session;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            Close(session, socket);
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex) when (SmtpConnecting.IsTimeout(ex))
        {
            Close(session, socket);
            throw new TimeoutException($"SMTP {options.Host}:{options.Port} did not answer within {options.Timeout.TotalSeconds:0.#} s", ex);
        }
        catch
        {
            Close(session, socket);
            throw;
        }
    }

    /// <summary>
    /// One mail: the envelope from <paramref name="envelopeFrom"/> (empty: the null sender) to <paramref name="recipient"/>,
    /// <paramref name="content"/> the whole message with CRLF line ends. Returns the reply that decides the mail: the
    /// first refusal (of MAIL, RCPT or the content), or the server's acceptance of the content. A reply the session made
    /// itself (the mail is over the server's SIZE, or an address needs SMTPUTF8 the server lacks) has a 5xx code and
    /// nothing was sent.
    /// </summary>
    public SmtpReply Send(string envelopeFrom, string recipient, ReadOnlySpan<byte> content, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new IOException("the SMTP session is no longer usable");
        }

        var eightBit = content.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        if (SmtpConnecting.Precheck(eightBit, EightBitMime, content.Length, MaxSize) is { } unsent)
        {
            return unsent;
        }

        if (!TryPath(envelopeFrom, out var from, out var fromInternational) || !TryPath(recipient, out var to, out var toInternational))
        {
            return SmtpConnecting.NotAsciiEnvelope;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var abort = cancellationToken.Register(static s => ((SmtpSession)s!).Dispose(), this);
        try
        {
            return Transact(from, to, fromInternational || toInternational, eightBit, content);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new OperationCanceledException("stopped while sending", ex, cancellationToken);
        }
        catch (Exception ex) when (SmtpConnecting.IsTimeout(ex))
        {
            _broken = true;
            throw new TimeoutException($"the SMTP server did not answer within {_timeout.TotalSeconds:0.#} s", ex);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    public SmtpReply Send(SmtpEnvelope envelope, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Send(envelope.Sender, envelope.Recipient, content.Span, cancellationToken);

    /// <summary>NOOP: whether a pooled session that has been idle is still there.</summary>
    public bool NoOp()
    {
        if (!IsOpen)
        {
            return false;
        }

        try
        {
            return Command("NOOP").Code == 250;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _broken = true;
            return false;
        }
    }

    /// <summary>QUIT (waiting at most 2 s for the reply), then closes; errors are ignored: the connection is going anyway.</summary>
    public void Quit()
    {
        if (IsOpen)
        {
            try
            {
                _socket.ReceiveTimeout = 2000;
                Command("QUIT");
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // Closing anyway.
            }
        }

        Dispose();
    }

    /// <summary>Closes without QUIT.</summary>
    public void Dispose()
    {
        _broken = true;
        _stream.Dispose();
        _socket.Dispose();
    }

    private SmtpReply Transact(string from, string to, bool international, bool eightBit, ReadOnlySpan<byte> content)
    {
        var endsWithCrLf = content.EndsWith(CrLf);
        _out.ResetWrittenCount();
        Append("MAIL FROM:");
        Append(from);
        if (MaxSize > 0)
        {
            Append(" SIZE=");
            Append(content.Length.ToString(CultureInfo.InvariantCulture));
        }

        if (eightBit)
        {
            Append(" BODY=8BITMIME");
        }

        if (international)
        {
            Append(" SMTPUTF8");
        }

        Append("\r\n");
        if (!Pipelining && Step() is { IsPositive: false } mailRefused)
        {
            return mailRefused.To(SmtpReply.MailFrom);
        }

        Append("RCPT TO:");
        Append(to);
        Append("\r\n");
        if (!Pipelining && Step() is { IsPositive: false } rcptRefused)
        {
            return ResetAfter(rcptRefused.To(SmtpReply.RcptTo));
        }

        if (UseBdat)
        {
            // The envelope's replies are read before the chunk goes, as MailKit does. Written together with the chunk, a
            // group larger than the server's input buffer (Postfix reads 4 KB) makes it flush the envelope's replies early
            // and the chunk's reply alone after them, held by its Nagle until our delayed ACK: 40 ms a mail.
            Flush();
            if (EnvelopeRefusal() is { } refused)
            {
                return ResetAfter(refused);
            }

            var length = content.Length + (endsWithCrLf ? 0 : 2);
            Append("BDAT ");
            Append(length.ToString(CultureInfo.InvariantCulture));
            Append(" LAST\r\n");
            WriteContent(content, endsWithCrLf);
            var accepted = ReadReply().To(SmtpReply.Content);
            return accepted.Code == 250 ? accepted : ResetAfter(accepted);
        }

        Append("DATA\r\n");
        Flush();
        var refusal = EnvelopeRefusal();
        var go = ReadReply().To("DATA");
        if (go.Code != 354)
        {
            return ResetAfter(refusal ?? go);
        }

        if (refusal is { } early)
        {
            // RFC 2920 §3.1: DATA accepted although a command before it failed; end the (empty) data at once.
            Append(".\r\n");
            Flush();
            ReadReply();
            return ResetAfter(early);
        }

        WriteDotStuffed(content, _out);
        Flush();
        var final = ReadReply().To(SmtpReply.Content);
        return final.Code == 250 ? final : ResetAfter(final);
    }

    /// <summary>With PIPELINING, the replies to MAIL and RCPT, read after the whole group was written: the first refusal
    /// of the two, or null. Without, each was read as it was sent.</summary>
    private SmtpReply? EnvelopeRefusal()
    {
        if (!Pipelining)
        {
            return null;
        }

        var mail = ReadReply();
        var rcpt = ReadReply();
        return !mail.IsPositive ? mail.To(SmtpReply.MailFrom) : !rcpt.IsPositive ? rcpt.To(SmtpReply.RcptTo) : null;
    }

    /// <summary>After a refusal: RSET, so the next mail starts clean (unless the server is closing).</summary>
    private SmtpReply ResetAfter(SmtpReply refusal)
    {
        if (refusal.ClosesConnection)
        {
            _broken = true;
            return refusal;
        }

        Command("RSET");
        return refusal;
    }

    private void WriteContent(ReadOnlySpan<byte> content, bool endsWithCrLf)
    {
        if (content.Length < CopyContentBelow)
        {
            _out.Write(content);
            if (!endsWithCrLf)
            {
                _out.Write(CrLf);
            }

            Flush();
            return;
        }

        Flush();
        _stream.Write(content);
        _log?.LogClient(content.ToArray(), 0, content.Length);
        if (!endsWithCrLf)
        {
            _stream.Write(CrLf);
        }
    }

    /// <summary>DATA's content (RFC 5321 §4.5.2): a line that starts with a dot gets another, the content ends with CRLF,
    /// then the line with the single dot that ends it.</summary>
    internal static void WriteDotStuffed(ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        var endsWithCrLf = content.EndsWith(CrLf);
        var lineStart = true;
        while (!content.IsEmpty)
        {
            if (lineStart && content[0] == '.')
            {
                output.Write("."u8);
            }

            var newline = content.IndexOf((byte)'\n');
            var line = newline < 0 ? content : content[..(newline + 1)];
            output.Write(line);
            content = content[line.Length..];
            lineStart = newline >= 0;
        }

        output.Write(endsWithCrLf ? ".\r\n"u8 : "\r\n.\r\n"u8);
    }

    private void Hello(Socket socket)
    {
        var domain = socket.LocalEndPoint is IPEndPoint local
            ? local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{local.Address}]" : $"[{local.Address}]"
            : "[127.0.0.1]";
        Pipelining = Chunking = EightBitMime = SmtpUtf8 = StartTls = false;
        MaxSize = 0;
        var mechanisms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        AuthMechanisms = mechanisms;
        var reply = Command("EHLO " + domain);
        if (reply.Code is >= 500 and <= 504 or 550)
        {
            // An old server without ESMTP (RFC 5321 §3.2): HELO, and no extensions.
            reply = Command("HELO " + domain);
            if (reply.Code != 250)
            {
                throw new SmtpSessionException("EHLO and HELO were refused", reply);
            }

            _hello = "HELO";
            return;
        }

        if (reply.Code != 250)
        {
            throw new SmtpSessionException("EHLO was refused", reply);
        }

        _hello = "EHLO";
        // The first line is the server's name; each further line one extension (RFC 5321 §4.1.1.1).
        foreach (var line in reply.Text.Split('\n').Skip(1))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            switch (words[0].ToUpperInvariant())
            {
                case "PIPELINING": Pipelining = true; break;
                case "CHUNKING": Chunking = true; break;
                case "8BITMIME": EightBitMime = true; break;
                case "SMTPUTF8": SmtpUtf8 = true; break;
                case "STARTTLS": StartTls = true; break;
                case "SIZE" when words.Length > 1 && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                    MaxSize = size;
                    break;
                case "AUTH": mechanisms.UnionWith(words.Skip(1)); break;
                default:
                    if (words[0].StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase))
                    {
                        mechanisms.Add(words[0][5..]);
                        mechanisms.UnionWith(words.Skip(1));
                    }

                    break;
            }
        }

        AuthMechanisms = mechanisms;
    }

    /// <summary>One SASL exchange, as MailKit's client has it: the initial response with AUTH when the mechanism has
    /// one, then a response to each 334 challenge; the responses are credentials, so the log shows them masked.</summary>
    private void Authenticate(SaslMechanism sasl)
    {
        var name = sasl.MechanismName;
        var reply = sasl.SupportsInitialResponse
            ? Command($"AUTH {name} {sasl.Challenge(null)}", logAs: $"AUTH {name} ********")
            : Command($"AUTH {name}");
        try
        {
            while (reply.Code == 334)
            {
                // A challenge after the mechanism's last response is the server's error report (XOAUTH2): answered with
                // the empty response that ends the exchange, then refused.
                var response = sasl.IsAuthenticated ? string.Empty : sasl.Challenge(reply.Text);
                reply = Command(response, logAs: "********");
            }
        }
        catch (SaslException ex)
        {
            // A challenge the mechanism cannot answer: cancel the exchange (RFC 4954 §4), then fail.
            reply = Command("*");
            throw new MailKit.Security.AuthenticationException($"AUTH {name} failed: {ex.Message} ({reply})", ex);
        }

        if (reply.Code != 235)
        {
            throw new MailKit.Security.AuthenticationException($"AUTH {name} was refused: {reply}");
        }
    }

    /// <summary>After the 220 to STARTTLS nothing may have come but that reply: whatever did was sent before TLS, by the
    /// server or by someone in between, and would be taken as the replies to the first commands under TLS.</summary>
    private void EnsureNothingBeforeTls(Socket socket)
    {
        var buffered = (_inEnd - _inStart) + socket.Available;
        if (buffered > 0)
        {
            _broken = true;
            throw new SmtpSessionException(
                $"the server sent {buffered.ToString(CultureInfo.InvariantCulture)} bytes after its 220 to STARTTLS, before TLS began (STARTTLS response injection?); the session is ended");
        }
    }

    /// <summary>The address as an SMTP path (<c>&lt;local@domain&gt;</c>, <c>&lt;&gt;</c> for the null sender): the
    /// domain IDNA-encoded, unless the server takes SMTPUTF8; false if the local part is not ASCII and it does not.</summary>
    private bool TryPath(string address, out string path, out bool international)
    {
        international = false;
        if (address.Length == 0)
        {
            path = "<>";
            return true;
        }

        var mailbox = MailboxAddress.Parse(address);
        if (SmtpUtf8)
        {
            path = $"<{mailbox.GetAddress(idnEncode: false)}>";
            international = mailbox.IsInternational;
            return true;
        }

        path = $"<{mailbox.GetAddress(idnEncode: true)}>";
        return Ascii.IsValid(path);
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        format.HiddenHeaders.Add(HeaderId.ContentLength);
        format.HiddenHeaders.Add(HeaderId.ResentBcc);
        format.HiddenHeaders.Add(HeaderId.Bcc);
        return format;
    }

    /// <summary>The TLS handshake; the server's certificate must be trusted by the system or be the pinned one
    /// (<see cref="SmtpOptions.CertificateSha256"/>), else <see cref="System.Security.Authentication.AuthenticationException"/>.</summary>
    private static SslStream HandshakeTls(Stream inner, SmtpOptions options)
    {
        var pin = options.CertificateSha256.Length > 0 ? CertificatePin.Parse(options.CertificateSha256) : null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            ssl.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = options.Host,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => CertificatePin.Accepts(certificate, errors, pin),
            });
            return ssl;
        }
        catch
        {
            ssl.Dispose();
            throw;
        }
    }

    private static void Close(SmtpSession? session, Socket socket)
    {
        if (session is not null)
        {
            session.Dispose();
        }
        else
        {
            socket.Dispose();
        }
    }

    private void Append(string text) => Encoding.UTF8.GetBytes(text, _out);

    /// <summary>Without PIPELINING: sends what is buffered and reads its reply.</summary>
    private SmtpReply Step()
    {
        Flush();
        return ReadReply();
    }

    private SmtpReply Command(string command, string? logAs = null)
    {
        _out.ResetWrittenCount();
        Append(command);
        Append("\r\n");
        if (logAs is not null)
        {
            var shown = Encoding.ASCII.GetBytes(logAs + "\r\n");
            _log?.LogClient(shown, 0, shown.Length);
            _stream.Write(_out.WrittenSpan);
            _out.ResetWrittenCount();
        }
        else
        {
            Flush();
        }

        return ReadReply();
    }

    private void Flush()
    {
        if (_out.WrittenCount == 0)
        {
            return;
        }

        if (_log is not null)
        {
            var bytes = _out.WrittenSpan.ToArray();
            _log.LogClient(bytes, 0, bytes.Length);
        }

        _stream.Write(_out.WrittenSpan);
        _out.ResetWrittenCount();
    }

    /// <summary>One reply, all its lines (<c>250-...</c> continues, <c>250 ...</c> ends).</summary>
    private SmtpReply ReadReply()
    {
        var code = -1;
        StringBuilder? text = null;
        string? single = null;
        while (true)
        {
            var line = ReadLine();
            if (!SmtpReply.TryParseLine(line, out var lineCode, out var more, out var lineText) || (code >= 0 && lineCode != code))
            {
                _broken = true;
                throw new SmtpSessionException($"not an SMTP reply: \"{Encoding.Latin1.GetString(line)}\"");
            }

            code = lineCode;
            if (single is null && text is null)
            {
                single = lineText;
            }
            else
            {
                text ??= new StringBuilder(single);
                text.Append('\n').Append(lineText);
            }

            if (!more)
            {
                var reply = new SmtpReply(code, text?.ToString() ?? single!);
                if (reply.ClosesConnection)
                {
                    _broken = true;
                }

                return reply;
            }
        }
    }

    /// <summary>The next line without its line end (CRLF, or a bare LF).</summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        var scanned = 0;
        while (true)
        {
            var newline = _in.AsSpan(_inStart + scanned, _inEnd - _inStart - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _inStart + scanned + newline;
                var line = _in.AsSpan(_inStart, end - _inStart);
                _log?.LogServer(_in, _inStart, end + 1 - _inStart);
                _inStart = end + 1;
                return line.EndsWith("\r"u8) ? line[..^1] : line;
            }

            scanned = _inEnd - _inStart;
            if (_inStart > 0)
            {
                Buffer.BlockCopy(_in, _inStart, _in, 0, scanned);
                _inStart = 0;
                _inEnd = scanned;
            }

            if (_inEnd == _in.Length)
            {
                _broken = true;
                throw new SmtpSessionException($"a reply line longer than {_in.Length} bytes");
            }

            var read = _stream.Read(_in, _inEnd, _in.Length - _inEnd);
            if (read == 0)
            {
                _broken = true;
                throw new IOException("the SMTP server closed the connection");
            }

            _inEnd += read;
        }
    }
}
