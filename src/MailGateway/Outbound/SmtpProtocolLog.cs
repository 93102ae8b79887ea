using System.Globalization;
using System.Text;
using MailKit;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>
/// <c>Smtp:ProtocolLog</c>: every SMTP connection's conversation appended to one file, each line stamped with the time
/// and the connection's number (<c>2026-12-05T22:59:27.123Z #3 C: MAIL FROM:&lt;...&gt;</c>), so that a relay can be
/// diagnosed in production without a restart of anything but the gateway. Credentials never reach it: MailKit's client
/// marks them through its <see cref="IAuthenticationSecretDetector"/>, the native client logs its AUTH lines masked.
/// A singleton; the file is opened at the first connection.
/// </summary>
public sealed class SmtpProtocolLog(IOptions<SmtpOptions> options, TimeProvider timeProvider) : IDisposable
{
    private readonly Lock _lock = new();
    private StreamWriter? _writer;
    private int _connections;

    public bool IsEnabled => options.Value.ProtocolLog.Length > 0;

    /// <summary>A logger for one new connection; null when the log is off.</summary>
    public IProtocolLogger? ForConnection() =>
        IsEnabled ? new ConnectionLogger(this, Interlocked.Increment(ref _connections)) : null;

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Write(int connection, string direction, ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _writer ??= new StreamWriter(new FileStream(options.Value.ProtocolLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
            foreach (var line in text.Split('\n'))
            {
                if (line.Length > 0)
                {
                    _writer.Write($"{stamp} #{connection} {direction}{line.TrimEnd('\r')}\n");
                }
            }
        }
    }

    private sealed class ConnectionLogger(SmtpProtocolLog log, int number) : IProtocolLogger
    {
        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri) => log.Write(number, "connected to ", Encoding.UTF8.GetBytes(uri.ToString()));

        public void LogClient(byte[] buffer, int offset, int count)
        {
            var secrets = AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count);
            if (secrets is null || secrets.Count == 0)
            {
                log.Write(number, "C: ", buffer.AsSpan(offset, count));
                return;
            }

            var masked = buffer.AsSpan(offset, count).ToArray();
            foreach (var secret in secrets)
            {
                masked.AsSpan(secret.StartIndex - offset, secret.Length).Fill((byte)'*');
            }

            log.Write(number, "C: ", masked);
        }

        public void LogServer(byte[] buffer, int offset, int count) => log.Write(number, "S: ", buffer.AsSpan(offset, count));

        public void Dispose()
        {
            // The file is the log's, shared by every connection.
        }
    }
}
