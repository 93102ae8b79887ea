using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClpMailGateway.Health;

/// <summary>Ready when the database answers a query on the gateway's schema (a reachable but empty database is not).</summary>
public sealed class DatabaseHealthCheck(GatewayDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Count();
            if (applied == 0)
            {
                return HealthCheckResult.Unhealthy($"the {db.Dialect.Provider} database has no schema (not migrated)");
            }

            await db.MailboxCheckpoints.AsNoTracking().AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["provider"] = db.Dialect.Provider.ToString(), ["migrations"] = applied });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            return HealthCheckResult.Unhealthy($"the {db.Dialect.Provider} database cannot be read: {FailureLog.Describe(ex)}");
        }
    }
}
