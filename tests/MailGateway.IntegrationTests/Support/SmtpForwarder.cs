using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>
/// A TCP forwarder between the gateway and the real Postfix, so a test can "stop" SMTP without touching the shared
/// server: when stopped, open connections are closed and new ones are accepted and closed at once (the client sees
/// the connection drop before the greeting). It can stop itself right after it has passed the Nth "queued" reply to
/// the client, which is "the server went away during sending" at a precise point.
/// </summary>
public sealed class SmtpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _queued;
    private volatile bool _stopped;

    public SmtpForwarder(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Stop by itself once this many mails were accepted through it (null: never).</summary>
    public int? StopAfterQueued { get; set; }

    /// <summary>Mails the server accepted through the forwarder ("250 ... queued" replies passed on).</summary>
    public int Queued => Volatile.Read(ref _queued);

    public int ConnectionsAccepted { get; private set; }

    /// <summary>Rewrites what the server says before the client reads it (each read as text, Latin-1; null: passed as
    /// it is). A server without some extension is the real Postfix with its EHLO line taken out.</summary>
    public Func<string, string>? RewriteReplies { get; set; }

    public void Stop()
    {
        _stopped = true;
        foreach (var client in _open.Keys)
        {
            client.Close();
        }
    }

    public void Start() => _stopped = false;

    public async ValueTask DisposeAsync()
    {
        Stop();
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            ConnectionsAccepted++;
            if (_stopped)
            {
                client.Close();
                continue;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort);
            _open[client] = 0;
            _open[server] = 0;
            var up = CopyAsync(client.GetStream(), server.GetStream(), countQueued: false);
            var down = CopyAsync(server.GetStream(), client.GetStream(), countQueued: true);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A side closed.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Close();
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool countQueued)
    {
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                if (!countQueued)
                {
                    // Nothing reaches the server once stopping began: a mail the client sends after the last reply it
                    // was let through must not be accepted behind its back. (Stop closes the connection.)
                    if (!_stopped)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, read));
                    }

                    continue;
                }

                var text = Encoding.ASCII.GetString(buffer, 0, read);
                var count = 0;
                for (var at = text.IndexOf("queued", StringComparison.Ordinal); at >= 0; at = text.IndexOf("queued", at + 1, StringComparison.Ordinal))
                {
                    count++;
                }

                // Stopping begins before the Nth "queued" is passed on, so the client cannot answer it with a mail that
                // still gets through (a pipelining client sends its next transaction the moment it reads the reply).
                var stopping = count > 0 && Interlocked.Add(ref _queued, count) >= StopAfterQueued;
                if (stopping)
                {
                    _stopped = true;
                }

                ReadOnlyMemory<byte> reply = RewriteReplies is { } rewrite
                    ? Encoding.Latin1.GetBytes(rewrite(Encoding.Latin1.GetString(buffer, 0, read)))
                    : buffer.AsMemory(0, read);
                await to.WriteAsync(reply);
                if (stopping)
                {
                    await to.FlushAsync();
                    StopAfterQueued = null;
                    Stop();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Closed by Stop or by a side.
        }
    }
}
