using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Health;

/// <summary>
/// <c>/health/live</c> (the process answers: restart it if not) and <c>/health/ready</c> (it can do its work now) on
/// the gateway's listener and on the web, as ASP.NET Core health checks. The gateway is ready when the database answers,
/// the mailbox login works, the relay answers, the mailbox was read lately and the outbox is not backing up; the web
/// when the database answers and the relay takes its sign-in mails (the mailbox is the gateway's business: a web taken
/// out of service for it would only add an outage). 200 when healthy, 503 when not, the body <see cref="HealthJson"/>.
/// </summary>
public static class HealthEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>The checks of the gateway's <c>run</c>.</summary>
    public static IServiceCollection AddGatewayHealthChecks(this IServiceCollection services) =>
        services.AddHealthCheckCore()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<ImapHealthCheck>("imap", tags: [ReadyTag])
            .AddCheck<SmtpHealthCheck>("smtp", tags: [ReadyTag])
            .AddCheck<PollHealthCheck>("poll", tags: [ReadyTag])
            .AddCheck<OutboxHealthCheck>("outbox", tags: [ReadyTag])
            .Services;

    /// <summary>The checks of the web.</summary>
    public static IServiceCollection AddWebHealthChecks(this IServiceCollection services) =>
        services.AddHealthCheckCore()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<SmtpHealthCheck>("smtp", tags: [ReadyTag])
            .Services;

    /// <summary>Maps both endpoints. <paramref name="showCauses"/> says who may read what failed and the checks' figures;
    /// everyone else gets each check's name and status only.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints, Func<HttpContext, Task<bool>> showCauses)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(showCauses);
        foreach (var (path, tag) in new[] { ("/health/live", LiveTag), ("/health/ready", ReadyTag) })
        {
            endpoints.MapHealthChecks(path, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(tag),
                ResponseWriter = async (context, report) => await HealthJson.WriteAsync(context, report, await showCauses(context)),
            });
        }

        return endpoints;
    }

    private static IHealthChecksBuilder AddHealthCheckCore(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddSingleton<ServerCheckResults>();
        // Every check within the time allowed: a server or database that does not answer fails its check, not the probe.
        services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IOptions<HealthOptions>>((checks, health) =>
        {
            foreach (var registration in checks.Registrations)
            {
                registration.Timeout = health.Value.CheckTimeout;
            }
        });
        return services.AddHealthChecks();
    }
}
