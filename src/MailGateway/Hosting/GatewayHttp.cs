using Microsoft.AspNetCore.Builder;
using ClpMailGateway.Health;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Hosting;

/// <summary>The HTTP listener of <c>run</c> (<see cref="GatewayHttpOptions"/>): <c>/health/live</c> and
/// <c>/health/ready</c> (<see cref="HealthEndpoints"/>), and what monitoring reads. Nothing else is served. It shows the
/// checks' causes to every caller: it listens on loopback unless an operator says otherwise.</summary>
public static class GatewayHttp
{
    public static WebApplicationBuilder AddGatewayHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewayHttpOptions>().BindConfiguration(GatewayHttpOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayHttpOptions>, GatewayHttpOptionsValidator>();
        var http = builder.Configuration.GetSection(GatewayHttpOptions.SectionName).Get<GatewayHttpOptions>() ?? new GatewayHttpOptions();
        builder.WebHost.UseUrls([.. http.UrlList()]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddGatewayHealthChecks();
        return builder;
    }

    public static WebApplication MapGatewayHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthEndpoints(_ => Task.FromResult(true));
        return app;
    }
}
