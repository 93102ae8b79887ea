using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>
/// An SMTP server in the test process whose behaviour a test scripts: the extensions it offers, what it refuses and
/// when, a 421 in the middle, replies split into single bytes or spread over several lines, STARTTLS (optionally with
/// an injected reply sent in the same plaintext write as its 220), a certificate for a name that is not the host's, or
/// silence. It records every line the client sent (<see cref="Transcript"/>) and every mail it received, unstuffed
/// (<see cref="Received"/>), so a test can check what crossed the wire, not only what the client reports.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _transcript = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly Task _accepting;
    private int _commands;

    public ScriptedSmtpServer()
    {
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The EHLO keywords offered (after the first line), e.g. PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE 2000, AUTH PLAIN LOGIN.</summary>
    public List<string> Extensions { get; init; } = ["PIPELINING", "CHUNKING", "8BITMIME", "SMTPUTF8", "SIZE 10000000"];

    /// <summary>EHLO is answered 502: the client must say HELO.</summary>
    public bool RefuseEhlo { get; init; }

    /// <summary>STARTTLS is offered and done with <see cref="Certificate"/>.</summary>
    public bool OfferStartTls { get; init; }

    /// <summary>Sent right after "220 ready for TLS" in the same plaintext write (STARTTLS response injection).</summary>
    public string? InjectAfterStartTls { get; init; }

    /// <summary>The TLS certificate; by default one for 127.0.0.1 made for this server.</summary>
    public X509Certificate2 Certificate { get; init; } = MakeCertificate("127.0.0.1");

    /// <summary>The reply to MAIL FROM (default 250).</summary>
    public string MailReply { get; init; } = "250 2.1.0 Ok";

    /// <summary>The reply to RCPT TO for a recipient, or null for 250.</summary>
    public Func<string, string?> RcptReply { get; init; } = _ => null;

    /// <summary>The reply after the content (default 250).</summary>
    public Func<byte[], string> ContentReply { get; init; } = _ => "250 2.0.0 Ok: queued";

    /// <summary>Reply "421 closing" to the Nth command of a connection (counting from 1, EHLO included), then hang up.</summary>
    public int? CloseAtCommand { get; init; }

    /// <summary>Every reply written one byte at a time, each flushed on its own.</summary>
    public bool SplitReplies { get; init; }

    /// <summary>Accepts connections and never says a word.</summary>
    public bool Silent { get; init; }

    /// <summary>The accepted credentials of AUTH PLAIN and LOGIN (user, password), or null to refuse all.</summary>
    public (string User, string Password)? Login { get; init; }

    /// <summary>Every line a client sent, as received (AUTH lines included: a test checks no secret crossed in clear).</summary>
    public IReadOnlyList<string> Transcript => [.. _transcript];

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    public string TranscriptText => string.Join("\n", _transcript);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    /// <summary>A self-signed certificate for <paramref name="name"/> (an IP address or a DNS name).</summary>
    public static X509Certificate2 MakeCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(name, out var address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public static string Sha256(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            // Each reply goes out at once, as a relay's does: with Nagle's delay a reply written after another waits for
            // the client's delayed ACK (40 ms on Linux), which would make this server, not the client, the bottleneck.
            client.NoDelay = true;
            _clients.Add(client);
            _ = Task.Factory.StartNew(() => Serve(client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Serve(TcpClient client)
    {
        try
        {
            if (Silent)
            {
                _stop.Token.WaitHandle.WaitOne();
                return;
            }

            using var connection = new Connection(this, client.GetStream());
            connection.Run();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationFailure)
        {
            // The client went away, or failed TLS on purpose.
        }
        finally
        {
            client.Dispose();
        }
    }

    public sealed record ReceivedMail(string From, string To, byte[] Content, bool Bdat, string MailCommand);

    private sealed class AuthenticationFailure(Exception inner) : Exception(inner.Message, inner);

    private sealed class Connection(ScriptedSmtpServer server, Stream stream) : IDisposable
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private Stream _stream = stream;
        private int _start;
        private int _end;
        private bool _tls;
        private string _from = string.Empty;
        private string _mailCommand = string.Empty;
        private readonly List<string> _to = [];
        private int _commands;

        public void Dispose() => _stream.Dispose();

        public void Run()
        {
            Reply("220 scripted.test ESMTP");
            while (ReadLine() is { } line)
            {
                server._transcript.Enqueue(line);
                Interlocked.Increment(ref server._commands);
                if (server.CloseAtCommand == ++_commands)
                {
                    Reply("421 4.3.2 scripted.test closing the connection");
                    return;
                }

                var verb = (line.Split(' ', 2)[0]).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" when server.RefuseEhlo:
                        Reply("502 5.5.2 command not recognized");
                        break;
                    case "EHLO":
                        var lines = new List<string> { "scripted.test" };
                        lines.AddRange(server.Extensions);
                        if (server.OfferStartTls && !_tls)
                        {
                            lines.Add("STARTTLS");
                        }

                        if (server.Login is not null)
                        {
                            lines.Add("AUTH PLAIN LOGIN");
                        }

                        Reply(string.Join("\r\n", lines.Select((l, i) => $"250{(i < lines.Count - 1 ? '-' : ' ')}{l}")));
                        break;
                    case "HELO":
                        Reply("250 scripted.test");
                        break;
                    case "STARTTLS":
                        Reply("220 2.0.0 ready to start TLS" + (server.InjectAfterStartTls is { } injected ? "\r\n" + injected : string.Empty));
                        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                        try
                        {
                            ssl.AuthenticateAsServer(server.Certificate);
                        }
                        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                        {
                            throw new AuthenticationFailure(ex);
                        }

                        _stream = ssl;
                        _tls = true;
                        _start = _end = 0;
                        break;
                    case "AUTH":
                        Authenticate(line);
                        break;
                    case "MAIL":
                        _from = Path(line);
                        _mailCommand = line;
                        _to.Clear();
                        Reply(server.MailReply);
                        break;
                    case "RCPT":
                        var to = Path(line);
                        var refusal = server.RcptReply(to);
                        if (refusal is null)
                        {
                            _to.Add(to);
                        }

                        Reply(refusal ?? "250 2.1.5 Ok");
                        break;
                    case "DATA":
                        if (_to.Count == 0 || !server.MailReply.StartsWith('2'))
                        {
                            Reply("554 5.5.1 no valid recipients");
                            break;
                        }

                        Reply("354 End data with <CR><LF>.<CR><LF>");
                        Deliver(ReadData(), bdat: false);
                        break;
                    case "BDAT":
                        var parts = line.Split(' ');
                        var chunk = ReadBytes(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                        if (_to.Count == 0 || !server.MailReply.StartsWith('2'))
                        {
                            Reply("554 5.5.1 no valid recipients");
                            break;
                        }

                        Deliver(chunk, bdat: true);
                        break;
                    case "RSET":
                        _to.Clear();
                        Reply("250 2.0.0 Ok");
                        break;
                    case "NOOP":
                        Reply("250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        Reply("221 2.0.0 Bye");
                        return;
                    default:
                        Reply("502 5.5.2 command not recognized");
                        break;
                }
            }
        }

        private void Deliver(byte[] content, bool bdat)
        {
            var reply = server.ContentReply(content);
            if (reply.StartsWith('2'))
            {
                foreach (var to in _to)
                {
                    server._received.Enqueue(new ReceivedMail(_from, to, content, bdat, _mailCommand));
                }
            }

            _to.Clear();
            Reply(reply);
        }

        private void Authenticate(string line)
        {
            var words = line.Split(' ');
            string? user = null;
            string? password = null;
            if (words[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
            {
                var response = words.Length > 2 ? words[2] : Challenge(string.Empty);
                var fields = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                (user, password) = (fields[1], fields[2]);
            }
            else if (words[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
            {
                user = Encoding.UTF8.GetString(Convert.FromBase64String(Challenge("VXNlcm5hbWU6")));
                password = Encoding.UTF8.GetString(Convert.FromBase64String(Challenge("UGFzc3dvcmQ6")));
            }

            Reply(server.Login is { } login && user == login.User && password == login.Password
                ? "235 2.7.0 Authentication successful"
                : "535 5.7.8 Authentication credentials invalid");
        }

        private string Challenge(string text)
        {
            Reply("334 " + text);
            var response = ReadLine() ?? throw new IOException("the client left during AUTH");
            server._transcript.Enqueue(response);
            return response;
        }

        private static string Path(string line)
        {
            var open = line.IndexOf('<', StringComparison.Ordinal);
            var close = line.IndexOf('>', open + 1);
            return line[(open + 1)..close];
        }

        private void Reply(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text + "\r\n");
            if (!server.SplitReplies)
            {
                _stream.Write(bytes);
                _stream.Flush();
                return;
            }

            foreach (var b in bytes)
            {
                _stream.Write([b]);
                _stream.Flush();
                Thread.Sleep(1);
            }
        }

        private string? ReadLine()
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }

                if (!Fill())
                {
                    return null;
                }
            }
        }

        /// <summary>DATA's content up to the line with the single dot, unstuffed.</summary>
        private byte[] ReadData()
        {
            using var content = new MemoryStream();
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline < 0)
                {
                    if (!Fill())
                    {
                        throw new IOException("the client left during DATA");
                    }

                    continue;
                }

                var line = _buffer.AsSpan(_start, newline + 1 - _start);
                _start = newline + 1;
                if (line.SequenceEqual(".\r\n"u8))
                {
                    return content.ToArray();
                }

                content.Write(line.Length > 0 && line[0] == '.' ? line[1..] : line);
            }
        }

        private byte[] ReadBytes(int count)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end && !Fill())
                {
                    throw new IOException("the client left during BDAT");
                }

                var take = Math.Min(count - copied, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, copied, take);
                _start += take;
                copied += take;
            }

            return result;
        }

        private bool Fill()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            _end += read;
            return read > 0;
        }
    }
}
