using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Hosting;

/// <summary>The HTTP listener of <c>run</c> (<see cref="GatewayHttpOptions"/>): <c>/health/live</c>, and a place for
/// what monitoring reads. Nothing else is served.</summary>
public static class GatewayHttp
{
    /// <summary>The tag of health checks that say whether the process itself works (restart it if not).</summary>
    public const string LiveTag = "live";

    public static WebApplicationBuilder AddGatewayHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewayHttpOptions>().BindConfiguration(GatewayHttpOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayHttpOptions>, GatewayHttpOptionsValidator>();
        var http = builder.Configuration.GetSection(GatewayHttpOptions.SectionName).Get<GatewayHttpOptions>() ?? new GatewayHttpOptions();
        builder.WebHost.UseUrls([.. http.UrlList()]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static WebApplication MapGatewayHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthJson.WriteAsync,
        });
        return app;
    }
}
