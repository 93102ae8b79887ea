using ClpMailGateway.Checks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClpMailGateway.Health;

/// <summary>Ready when the gateway can log in to its mailbox and open the polled folder: the same connection and login
/// as the poll (<see cref="ConnectionChecks.ImapAsync"/>, what <c>imap test</c> runs).</summary>
public sealed class ImapHealthCheck(ConnectionChecks checks, ServerCheckResults results) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        results.GetOrRunAsync("imap", async token =>
        {
            try
            {
                var steps = await checks.ImapAsync(token);
                var connected = steps[0].Found;
                return HealthCheckResult.Healthy(data: new Dictionary<string, object>
                {
                    ["host"] = connected["host"]!,
                    ["port"] = connected["port"]!,
                    ["idle"] = connected["idle"]!,
                });
            }
            catch (ConnectionCheckException ex)
            {
                return HealthCheckResult.Unhealthy(ServerCause(ex.Message, "imap test: "));
            }
        }, cancellationToken);

    /// <summary>The check's message without the name of the command it was written for.</summary>
    internal static string ServerCause(string message, string command) =>
        message.StartsWith(command, StringComparison.Ordinal) ? message[command.Length..] : message;
}
