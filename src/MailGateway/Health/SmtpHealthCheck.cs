using ClpMailGateway.Checks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClpMailGateway.Health;

/// <summary>Ready when the relay answers and, where a login is configured, accepts it: the sender's own client and
/// login (<see cref="ConnectionChecks.Smtp"/>, what <c>smtp test</c> runs, without a test mail).</summary>
public sealed class SmtpHealthCheck(ConnectionChecks checks, ServerCheckResults results) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        results.GetOrRunAsync("smtp", async token =>
        {
            try
            {
                // The SMTP clients block: on a thread of their own.
                var steps = await Task.Factory.StartNew(
                    () => checks.Smtp(null, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                var connected = steps[0].Found;
                return HealthCheckResult.Healthy(data: new Dictionary<string, object>
                {
                    ["host"] = connected["host"]!,
                    ["port"] = connected["port"]!,
                    ["hello"] = connected["hello"] ?? string.Empty,
                });
            }
            catch (ConnectionCheckException ex)
            {
                return HealthCheckResult.Unhealthy(ImapHealthCheck.ServerCause(ex.Message, "smtp test: "));
            }
        }, cancellationToken);
}
