using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Hosting;

/// <summary>The console logging of the gateway's executables (<c>run</c>, the commands, the web): one line per entry,
/// each with its UTC timestamp.</summary>
public static class GatewayLogging
{
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff'Z' ";

    public static ILoggingBuilder AddGatewayConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        return logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = TimestampFormat;
        });
    }
}
