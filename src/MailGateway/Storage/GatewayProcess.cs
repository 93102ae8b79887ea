using System.Globalization;

namespace ClpMailGateway.Storage;

/// <summary>This process among the others on the database: the name its claims are held under.</summary>
public static class GatewayProcess
{
    /// <summary>Host, process id and a random part (a restarted process with the same pid is another holder).</summary>
    public static string Id { get; } = string.Create(
        CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
}
