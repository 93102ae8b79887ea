using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Hosting;

/// <summary>The console logging of the gateway's executables (<c>run</c>, the commands, the web): one line per entry,
/// each with its UTC timestamp, the secrets of capability links cut out (<see cref="RedactingConsoleFormatter"/>).</summary>
public static class GatewayLogging
{
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff'Z' ";

    public static ILoggingBuilder AddGatewayConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        return RedactingConsoleFormatter.AddRedactingConsole(logging, TimestampFormat);
    }
}
