using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace ClpMailGateway.TestSupport;

/// <summary>A real DNS server on 127.0.0.1 (ARSoft.Tools.Net), answering the TXT records a test puts in: the resolver the
/// gateway's DKIM verification asks (<c>Inbound:DnsServers</c>), over UDP, as it would ask a real one. Names it does not
/// know answer NXDOMAIN.</summary>
public sealed class TestDns : IDisposable
{
    private readonly DnsServer _server;
    private readonly ConcurrentDictionary<string, string> _txt = new(StringComparer.OrdinalIgnoreCase);

    public TestDns()
    {
        Port = FreeUdpPort();
        _server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, Port)));
        _server.QueryReceived += (_, e) =>
        {
            if (e.Query is not DnsMessage query)
            {
                return Task.CompletedTask;
            }

            var response = query.CreateResponseInstance();
            response.ReturnCode = ReturnCode.NxDomain;
            foreach (var question in query.Questions)
            {
                var name = question.Name.ToString().TrimEnd('.');
                if (question.RecordType == RecordType.Txt && _txt.TryGetValue(name, out var text))
                {
                    // A DKIM key is longer than one 255-byte string: it goes as several strings of one record.
                    response.AnswerRecords.Add(new TxtRecord(question.Name, 60, text.Chunk(255).Select(c => new string(c)).ToArray()));
                    response.ReturnCode = ReturnCode.NoError;
                }
            }

            e.Response = response;
            return Task.CompletedTask;
        };
        _server.Start();
    }

    public int Port { get; }

    /// <summary>For <c>Inbound:DnsServers</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public void AddTxt(string name, string text) => _txt[name.TrimEnd('.')] = text;

    public void Dispose()
    {
        try
        {
            _server.Stop();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OperationCanceledException))
        {
            // Stop cancels the server's own listening task and reports that cancellation; the server is stopped.
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
