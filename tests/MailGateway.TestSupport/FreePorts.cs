using System.Net;
using System.Net.Sockets;

namespace ClpMailGateway.TestSupport;

/// <summary>Loopback ports nothing listens on: taken from the system and given back at once (a listener of the test's
/// own takes it next; the test that wants a closed port relies on nobody else taking it meanwhile).</summary>
public static class FreePorts
{
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
