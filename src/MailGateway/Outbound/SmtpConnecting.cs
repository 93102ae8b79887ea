using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ClpMailGateway.Outbound;

/// <summary>What both SMTP clients share before a byte of SMTP: the blocking connect within <see cref="SmtpOptions.Timeout"/>,
/// and the refusals a client makes itself, sending nothing.</summary>
internal static class SmtpConnecting
{
    public static readonly SmtpReply NotAsciiEnvelope = new(553, "5.6.7 an address of the envelope is not ASCII and the server does not offer SMTPUTF8; not sent");

    /// <summary>A reply for a mail that cannot go to this server (8-bit content without 8BITMIME, over its SIZE), or null.</summary>
    public static SmtpReply? Precheck(bool eightBit, bool eightBitMime, long length, long maxSize)
    {
        if (eightBit && !eightBitMime)
        {
            // The sender prepares mails 7-bit for such a server; should one slip through, it is retried, then given up.
            return new SmtpReply(451, "4.6.3 8-bit content but the server does not offer 8BITMIME; not sent");
        }

        return maxSize > 0 && length > maxSize
            ? new SmtpReply(552, $"5.3.4 the mail ({length.ToString(CultureInfo.InvariantCulture)} bytes) is over the server's SIZE limit of {maxSize.ToString(CultureInfo.InvariantCulture)} bytes; not sent")
            : null;
    }

    /// <summary>
    /// A connected socket in blocking mode, within <see cref="SmtpOptions.Timeout"/>. A blocking connect: a .NET socket that
    /// has done one asynchronous or non-blocking operation (<c>ConnectAsync</c>, or <c>Connect</c> on a non-blocking socket)
    /// is served by the socket engine for good, and its blocking calls then wait through the engine's thread, the very
    /// cost this class avoids (seen in <c>perf</c>: the engine's thread busy setting events for every reply). The timeout
    /// and the token close the socket, which ends a connect still waiting (Linux: shutdown of a connecting socket).
    /// </summary>
    internal static Socket ConnectSocket(SmtpOptions options, CancellationToken cancellationToken)
    {
        var milliseconds = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
        var addresses = Resolve(options, cancellationToken);
        Exception? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                ReceiveTimeout = milliseconds,
                SendTimeout = milliseconds,
            };
            using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            watchdog.CancelAfter(options.Timeout);
            try
            {
                using (watchdog.Token.Register(static s => ((Socket)s!).Dispose(), socket))
                {
                    socket.Connect(new IPEndPoint(address, options.Port));
                }

                watchdog.Token.ThrowIfCancellationRequested();
                return socket;
            }
            catch (Exception ex) when (watchdog.IsCancellationRequested || IsTimeout(ex))
            {
                // The watchdog closed the socket, or the socket's own send timeout ended the connect first.
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                failure = new TimeoutException($"SMTP {address}:{options.Port} did not accept the connection within {options.Timeout.TotalSeconds:0.#} s", ex);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
        }

        throw failure ?? new IOException($"SMTP host {options.Host} has no address");
    }

    /// <summary>The addresses of <see cref="SmtpOptions.Host"/>, looked up within <see cref="SmtpOptions.Timeout"/> (a
    /// resolver that does not answer would otherwise hold a sending thread for as long as the system's resolver retries);
    /// a failed lookup names the host.</summary>
    private static IPAddress[] Resolve(SmtpOptions options, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(options.Host, out var literal))
        {
            return [literal];
        }

        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(options.Timeout);
        try
        {
            var addresses = Dns.GetHostAddressesAsync(options.Host, watchdog.Token).WaitAsync(watchdog.Token).GetAwaiter().GetResult();
            return addresses.Length > 0 ? addresses : throw new IOException($"SMTP host {options.Host} has no address");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"SMTP host {options.Host} could not be looked up within {options.Timeout.TotalSeconds:0.#} s", ex);
        }
        catch (SocketException ex)
        {
            throw new IOException($"SMTP host {options.Host} could not be looked up: {ex.Message}", ex);
        }
    }

    /// <summary>A blocking call that ran out of <see cref="SmtpOptions.Timeout"/> (the socket's receive or send timeout).</summary>
    internal static bool IsTimeout(Exception exception) =>
        exception is SocketException { SocketErrorCode: SocketError.TimedOut } or IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } };
}
