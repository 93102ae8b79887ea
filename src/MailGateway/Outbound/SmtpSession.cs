using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Security;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// One SMTP connection of the outbox, spoken directly: the mails are rendered bytes already (<see cref="StoredMail"/>),
/// so all a transaction needs is its envelope, and with PIPELINING (RFC 2920) and CHUNKING (RFC 3030) the whole of it,
/// <c>MAIL FROM</c>, <c>RCPT TO</c>, <c>BDAT n LAST</c> and the bytes, goes out in one write and its three replies come
/// back in one read: one round trip per mail. MailKit's client sends the same commands in two round trips (it flushes
/// before BDAT) and costs more CPU per mail than the transaction itself; the sender's profile and
/// <c>scripts/bench fanout</c> put the difference at ~1.3x on this machine (BENCHMARKS.md, *Fan-out, fourth pass*).
/// <para>
/// A server without PIPELINING gets one command at a time; without CHUNKING (or with <see cref="SmtpOptions.Chunking"/>
/// off), DATA with dot-stuffing. TLS as <see cref="SmtpOptions.Security"/> says (MailKit's meanings of
/// <see cref="SecureSocketOptions"/>; the server's certificate is validated by the system), AUTH PLAIN or LOGIN when
/// <see cref="SmtpOptions.Username"/> is set. The reply to each step is returned, never thrown: the caller decides
/// what a 4xx or 5xx means for the mail; an I/O error, a timeout or a broken reply throws and leaves the session unusable.
/// </para>
/// </summary>
public sealed class SmtpSession : IAsyncDisposable, IDisposable
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

    private SmtpSession(Socket socket, Stream stream, TimeSpan timeout, IProtocolLogger? log)
    {
        _socket = socket;
        _stream = stream;
        _timeout = timeout;
        _log = log;
    }

    /// <summary>How a mail is written for <see cref="SendAsync"/>, as MailKit's client writes it: CRLF line ends, a final
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
    public bool IsOpen => !_broken && _socket.Connected;

    /// <summary>Whether transactions use BDAT (the server offers CHUNKING and the options allow it).</summary>
    private bool UseBdat { get; set; }

    /// <summary>Connects, reads the greeting, says EHLO, starts TLS and authenticates as <paramref name="options"/> say.</summary>
    public static async Task<SmtpSession> ConnectAsync(SmtpOptions options, IProtocolLogger? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var security = options.Security == SecureSocketOptions.Auto
            ? options.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable
            : options.Security;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SmtpSession? session = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token);
            log?.LogConnect(new Uri($"{(security == SecureSocketOptions.SslOnConnect ? "smtps" : "smtp")}://{options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}"));
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (security == SecureSocketOptions.SslOnConnect)
            {
                stream = await StartTlsAsync(stream, options, timeout.Token);
            }

            session = new SmtpSession(socket, stream, options.Timeout, log);
            var greeting = await session.ReadReplyAsync(timeout.Token);
            if (greeting.Code != 220)
            {
                throw new SmtpSessionException("The server did not greet", greeting);
            }

            await session.HelloAsync(socket, timeout.Token);
            if (security == SecureSocketOptions.StartTls || (security == SecureSocketOptions.StartTlsWhenAvailable && session.StartTls))
            {
                if (!session.StartTls)
                {
                    throw new SmtpSessionException("Smtp:Security is StartTls but the server does not offer STARTTLS");
                }

                var reply = await session.CommandAsync("STARTTLS", timeout.Token);
                if (reply.Code != 220)
                {
                    throw new SmtpSessionException("STARTTLS was refused", reply);
                }

                session._stream = await StartTlsAsync(session._stream, options, timeout.Token);
                await session.HelloAsync(socket, timeout.Token);
            }

            if (options.Username.Length > 0)
            {
                await session.AuthenticateAsync(options.Username, options.Password, timeout.Token);
            }

            session.UseBdat = options.Chunking && session.Chunking;
            return session;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Close(session, socket);
            throw new TimeoutException($"SMTP {options.Host}:{options.Port} did not answer within {options.Timeout.TotalSeconds:0.#} s");
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
    public async Task<SmtpReply> SendAsync(string envelopeFrom, string recipient, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new IOException("the SMTP session is no longer usable");
        }

        var eightBit = content.Span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        if (eightBit && !EightBitMime)
        {
            // The sender prepares mails 7-bit for such a server; should one slip through, it is retried, then given up.
            return new SmtpReply(451, "4.6.3 8-bit content but the server does not offer 8BITMIME; not sent");
        }

        if (MaxSize > 0 && content.Length > MaxSize)
        {
            return new SmtpReply(552, $"5.3.4 the mail ({content.Length.ToString(CultureInfo.InvariantCulture)} bytes) is over the server's SIZE limit of {MaxSize.ToString(CultureInfo.InvariantCulture)} bytes; not sent");
        }

        if (!TryPath(envelopeFrom, out var from, out var fromInternational) || !TryPath(recipient, out var to, out var toInternational))
        {
            return new SmtpReply(553, "5.6.7 an address of the envelope is not ASCII and the server does not offer SMTPUTF8; not sent");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await TransactAsync(from, to, fromInternational || toInternational, eightBit, content, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new TimeoutException($"the SMTP server did not answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>NOOP: whether a pooled session that has been idle is still there.</summary>
    public async Task<bool> NoOpAsync(CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            var reply = await CommandAsync("NOOP", timeout.Token);
            return reply.Code == 250;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            _broken = true;
            return false;
        }
    }

    /// <summary>QUIT, then closes; errors are ignored (the connection is going anyway).</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsOpen)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await CommandAsync("QUIT", timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
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

    private async Task<SmtpReply> TransactAsync(string from, string to, bool international, bool eightBit, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var endsWithCrLf = content.Span.EndsWith(CrLf);
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
        if (!Pipelining && await StepAsync(cancellationToken) is { IsPositive: false } mailRefused)
        {
            return mailRefused.To(SmtpReply.MailFrom);
        }

        Append("RCPT TO:");
        Append(to);
        Append("\r\n");
        if (!Pipelining && await StepAsync(cancellationToken) is { IsPositive: false } rcptRefused)
        {
            return await ResetAfterAsync(rcptRefused.To(SmtpReply.RcptTo), cancellationToken);
        }

        if (UseBdat)
        {
            var length = content.Length + (endsWithCrLf ? 0 : 2);
            Append("BDAT ");
            Append(length.ToString(CultureInfo.InvariantCulture));
            Append(" LAST\r\n");
            await WriteContentAsync(content, endsWithCrLf, cancellationToken);
            // The server reads the chunk even after a refused MAIL or RCPT (RFC 3030 §3); its replies come in order.
            var firstRefusal = await EnvelopeRefusalAsync(cancellationToken);
            var accepted = (await ReadReplyAsync(cancellationToken)).To(SmtpReply.Content);
            return firstRefusal is { } refused ? await ResetAfterAsync(refused, cancellationToken)
                : accepted.Code == 250 ? accepted : await ResetAfterAsync(accepted, cancellationToken);
        }

        Append("DATA\r\n");
        await FlushAsync(cancellationToken);
        var refusal = await EnvelopeRefusalAsync(cancellationToken);
        var go = (await ReadReplyAsync(cancellationToken)).To("DATA");
        if (go.Code != 354)
        {
            return await ResetAfterAsync(refusal ?? go, cancellationToken);
        }

        if (refusal is { } early)
        {
            // RFC 2920 §3.1: DATA accepted although a command before it failed; end the (empty) data at once.
            Append(".\r\n");
            await FlushAsync(cancellationToken);
            await ReadReplyAsync(cancellationToken);
            return await ResetAfterAsync(early, cancellationToken);
        }

        WriteDotStuffed(content.Span, _out);
        await FlushAsync(cancellationToken);
        var final = (await ReadReplyAsync(cancellationToken)).To(SmtpReply.Content);
        return final.Code == 250 ? final : await ResetAfterAsync(final, cancellationToken);
    }

    /// <summary>With PIPELINING, the replies to MAIL and RCPT, read after the whole group was written: the first refusal
    /// of the two, or null. Without, each was read as it was sent.</summary>
    private async Task<SmtpReply?> EnvelopeRefusalAsync(CancellationToken cancellationToken)
    {
        if (!Pipelining)
        {
            return null;
        }

        var mail = await ReadReplyAsync(cancellationToken);
        var rcpt = await ReadReplyAsync(cancellationToken);
        return !mail.IsPositive ? mail.To(SmtpReply.MailFrom) : !rcpt.IsPositive ? rcpt.To(SmtpReply.RcptTo) : null;
    }

    /// <summary>After a refusal: RSET, so the next mail starts clean (unless the server is closing).</summary>
    private async Task<SmtpReply> ResetAfterAsync(SmtpReply refusal, CancellationToken cancellationToken)
    {
        if (refusal.ClosesConnection)
        {
            _broken = true;
            return refusal;
        }

        await CommandAsync("RSET", cancellationToken);
        return refusal;
    }

    private async Task WriteContentAsync(ReadOnlyMemory<byte> content, bool endsWithCrLf, CancellationToken cancellationToken)
    {
        if (content.Length < CopyContentBelow)
        {
            _out.Write(content.Span);
            if (!endsWithCrLf)
            {
                _out.Write(CrLf);
            }

            await FlushAsync(cancellationToken);
            return;
        }

        await FlushAsync(cancellationToken);
        await _stream.WriteAsync(content, cancellationToken);
        _log?.LogClient(content.ToArray(), 0, content.Length);
        if (!endsWithCrLf)
        {
            await _stream.WriteAsync(CrLf, cancellationToken);
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

    private async Task HelloAsync(Socket socket, CancellationToken cancellationToken)
    {
        var domain = socket.LocalEndPoint is IPEndPoint local
            ? local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{local.Address}]" : $"[{local.Address}]"
            : "[127.0.0.1]";
        var reply = await CommandAsync("EHLO " + domain, cancellationToken);
        if (reply.Code != 250)
        {
            throw new SmtpSessionException("EHLO was refused", reply);
        }

        Pipelining = Chunking = EightBitMime = SmtpUtf8 = StartTls = false;
        MaxSize = 0;
        var mechanisms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
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

    private async Task AuthenticateAsync(string username, string password, CancellationToken cancellationToken)
    {
        SmtpReply reply;
        if (AuthMechanisms.Contains("PLAIN"))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));
            reply = await CommandAsync("AUTH PLAIN " + credentials, cancellationToken, logAs: "AUTH PLAIN ********");
        }
        else if (AuthMechanisms.Contains("LOGIN"))
        {
            reply = await CommandAsync("AUTH LOGIN", cancellationToken);
            if (reply.Code == 334)
            {
                reply = await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(username)), cancellationToken, logAs: "********");
            }

            if (reply.Code == 334)
            {
                reply = await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), cancellationToken, logAs: "********");
            }
        }
        else
        {
            throw new SmtpSessionException(AuthMechanisms.Count == 0
                ? "Smtp:Username is set but the server offers no AUTH"
                : $"the server offers AUTH {string.Join(' ', AuthMechanisms)}, none of PLAIN and LOGIN");
        }

        if (reply.Code != 235)
        {
            throw new SmtpSessionException("AUTH was refused", reply);
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
    private static async Task<SslStream> StartTlsAsync(Stream inner, SmtpOptions options, CancellationToken cancellationToken)
    {
        var pin = options.CertificateSha256.Length > 0 ? CertificatePin.Parse(options.CertificateSha256) : null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = options.Host,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => CertificatePin.Accepts(certificate, errors, pin),
                },
                cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
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
    private async Task<SmtpReply> StepAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    private async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken, string? logAs = null)
    {
        _out.ResetWrittenCount();
        Append(command);
        Append("\r\n");
        if (logAs is not null)
        {
            var shown = Encoding.ASCII.GetBytes(logAs + "\r\n");
            _log?.LogClient(shown, 0, shown.Length);
            await _stream.WriteAsync(_out.WrittenMemory, cancellationToken);
            _out.ResetWrittenCount();
        }
        else
        {
            await FlushAsync(cancellationToken);
        }

        return await ReadReplyAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
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

        await _stream.WriteAsync(_out.WrittenMemory, cancellationToken);
        _out.ResetWrittenCount();
    }

    /// <summary>One reply, all its lines (<c>250-...</c> continues, <c>250 ...</c> ends).</summary>
    private async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var code = -1;
        StringBuilder? text = null;
        string? single = null;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (!SmtpReply.TryParseLine(line.Span, out var lineCode, out var more, out var lineText) || (code >= 0 && lineCode != code))
            {
                _broken = true;
                throw new SmtpSessionException($"not an SMTP reply: \"{Encoding.Latin1.GetString(line.Span)}\"");
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
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newline = _in.AsSpan(_inStart + scanned, _inEnd - _inStart - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _inStart + scanned + newline;
                var line = _in.AsMemory(_inStart, end - _inStart);
                _log?.LogServer(_in, _inStart, end + 1 - _inStart);
                _inStart = end + 1;
                return line.Span.EndsWith("\r"u8) ? line[..^1] : line;
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

            var read = await _stream.ReadAsync(_in.AsMemory(_inEnd), cancellationToken);
            if (read == 0)
            {
                _broken = true;
                throw new IOException("the SMTP server closed the connection");
            }

            _inEnd += read;
        }
    }
}
